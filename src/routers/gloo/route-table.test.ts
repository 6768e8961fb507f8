import { describe, expect, it } from 'vitest';
import type { Canary } from '../../api/types.js';
import { canaryFor } from '../../targets/kubernetes/testing/fixtures.js';
import { buildRouteTableSpec, routesOfRouteTable, upstreamNames, upstreamSpec } from './route-table.js';

const base = canaryFor('test', 'podinfo');
const withMatch = (match: Canary['spec']['analysis']['match']): Canary => ({
  ...base,
  spec: { ...base.spec, analysis: { ...base.spec.analysis, iterations: 10, match } },
});
const split = (primaryWeight: number, canaryWeight: number) => ({
  primaryWeight,
  canaryWeight,
  mirrored: false,
});
const up = (role: string) => ({ name: `test-podinfo-${role}upstream-9898`, namespace: 'test' });

describe('Gloo RouteTable and Upstreams (Flagger’s shape)', () => {
  it('one route inheriting the VirtualService’s path matchers, weighted between the two Upstreams', () => {
    expect(upstreamNames(base)).toEqual({ primary: up('primary').name, canary: up('canary').name });
    const spec = buildRouteTableSpec(base, split(90, 10));
    expect(spec).toEqual({
      routes: [
        {
          inheritablePathMatchers: true,
          routeAction: {
            multi: {
              destinations: [
                { destination: { upstream: up('primary') }, weight: 90 },
                { destination: { upstream: up('canary') }, weight: 10 },
              ],
            },
          },
        },
      ],
    });
    expect(routesOfRouteTable(base, spec)).toEqual(split(90, 10));
  });

  it('A/B: one matcher per condition (alternatives), then everything else to the primary', () => {
    const spec = buildRouteTableSpec(
      withMatch([
        { headers: { 'x-canary': { exact: 'insider' } }, method: { exact: 'GET' } },
        {
          headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } },
          queryParams: { v: { prefix: 'a.b' } },
        },
      ]),
      split(0, 100),
    );
    expect(spec.routes[0]?.matchers).toEqual([
      { headers: [{ name: 'x-canary', value: 'insider' }], methods: ['GET'] },
      {
        headers: [{ name: 'cookie', value: '^(.*?;)?(canary=always)(;.*)?$', regex: true }],
        queryParameters: [{ name: 'v', value: 'a\\.b.*', regex: true }],
      },
    ]);
    expect(spec.routes[1]).toEqual({
      inheritablePathMatchers: true,
      routeAction: { single: { upstream: up('primary') } },
    });
    expect(routesOfRouteTable(base, spec)).toEqual(split(0, 100));
  });

  it('A/B: a header suffix is a regex header matcher anchored at the end', () => {
    const spec = buildRouteTableSpec(
      withMatch([{ headers: { 'x-user-email': { suffix: '@example.com' } } }]),
      split(0, 100),
    );
    expect(spec.routes[0]?.matchers).toEqual([
      { headers: [{ name: 'x-user-email', value: '.*@example\\.com$', regex: true }] },
    ]);
  });

  it('refuses a match field Gloo cannot express rather than dropping it', () => {
    expect(() => buildRouteTableSpec(withMatch([{ uri: { prefix: '/api' } }]), split(0, 100))).toThrow(
      /spec.analysis.match\[0\]: uri cannot be matched by the Gloo router/,
    );
  });

  it('Upstreams select the Service and copy the upstreamRef’s settings', () => {
    expect(
      upstreamSpec(
        base,
        'podinfo-primary',
        { app: 'podinfo-primary' },
        { loadBalancerConfig: { roundRobin: {} }, kube: {} },
      ),
    ).toEqual({
      loadBalancerConfig: { roundRobin: {} },
      kube: {
        serviceName: 'podinfo-primary',
        serviceNamespace: 'test',
        servicePort: 9898,
        selector: { app: 'podinfo-primary' },
      },
    });
  });
});
