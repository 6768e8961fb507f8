import { describe, expect, it } from 'vitest';
import { canaryFor } from '../../targets/kubernetes/testing/fixtures.js';
import { apisixCanaryRouteName, apisixCanaryRouteSpec, routesOfApisixRoute } from './canary-route.js';

const canary = { ...canaryFor('test', 'podinfo') };
canary.spec = {
  ...canary.spec,
  routeRef: { apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', name: 'web' },
};
const split = (primaryWeight: number, canaryWeight: number) => ({
  primaryWeight,
  canaryWeight,
  mirrored: false,
});

describe('APISIX canary route (Flagger’s shape)', () => {
  const user = {
    http: [
      { name: 'other', match: { paths: ['/x'] }, backends: [{ serviceName: 'other', servicePort: 80 }] },
      {
        name: 'main',
        match: { paths: ['/*'] },
        backends: [
          { serviceName: 'podinfo', servicePort: 9898, resolveGranularity: 'service', subset: 'v1' },
        ],
      },
    ],
  };

  it('keeps the route on the apex at priority 10000 with its backend split into primary and canary', () => {
    expect(apisixCanaryRouteName(canary)).toBe('web-podinfo-canary');
    const spec = apisixCanaryRouteSpec(canary, split(80, 20), user);
    expect(spec).toEqual({
      http: [
        {
          name: 'main',
          match: { paths: ['/*'] },
          priority: 10000,
          backends: [
            {
              serviceName: 'podinfo-primary',
              servicePort: 9898,
              resolveGranularity: 'service',
              subset: 'v1',
              weight: 80,
            },
            {
              serviceName: 'podinfo-canary',
              servicePort: 9898,
              resolveGranularity: 'service',
              subset: 'v1',
              weight: 20,
            },
          ],
        },
      ],
    });
    expect(routesOfApisixRoute(canary, spec)).toEqual(split(80, 20));
  });

  it('refuses a user route without a backend on the apex, or with more than one backend', () => {
    expect(() => apisixCanaryRouteSpec(canary, split(100, 0), { http: [user.http[0]!] })).toThrow(
      /no HTTP route with a backend on podinfo/,
    );
    const two = {
      http: [
        {
          name: 'main',
          backends: [
            { serviceName: 'podinfo', servicePort: 1 },
            { serviceName: 'b', servicePort: 1 },
          ],
        },
      ],
    };
    expect(() => apisixCanaryRouteSpec(canary, split(100, 0), two)).toThrow(/exactly one/);
  });
});
