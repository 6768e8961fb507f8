import { describe, expect, it } from 'vitest';
import type { Canary } from '../../api/types.js';
import { podinfoCanary } from '../../engine/testing/fixtures.js';
import { buildHTTPProxySpec, routesOfHTTPProxy } from './http-proxy.js';

function canary(
  service: Partial<Canary['spec']['service']> = {},
  analysis: Partial<Canary['spec']['analysis']> = {},
): Canary {
  return podinfoCanary(analysis, { provider: 'contour', service: { port: 9898, ...service } });
}

describe('Contour HTTPProxy builder', () => {
  it('writes Flagger’s proxy: prefix route, weighted services with l5d-dst-override, timeout and retry policies', () => {
    const spec = buildHTTPProxySpec(
      canary({
        timeout: '15s',
        retries: { attempts: 3, perTryTimeout: '5s', retryOn: 'gateway-error,503' },
        match: [{ uri: { prefix: '/api' } }],
      }),
      { primaryWeight: 90, canaryWeight: 10, mirrored: false },
      { ingressClass: 'contour' },
    );
    expect(spec).toEqual({
      ingressClassName: 'contour',
      routes: [
        {
          conditions: [{ prefix: '/api' }],
          timeoutPolicy: { response: '15s', idle: '5m' },
          retryPolicy: {
            count: 3,
            perTryTimeout: '5s',
            retryOn: ['gateway-error', 'retriable-status-codes'],
            retriableStatusCodes: [503],
          },
          services: [
            {
              name: 'podinfo-primary',
              port: 9898,
              weight: 90,
              requestHeadersPolicy: {
                set: [{ name: 'l5d-dst-override', value: 'podinfo-primary.test.svc.cluster.local:9898' }],
              },
            },
            {
              name: 'podinfo-canary',
              port: 9898,
              weight: 10,
              requestHeadersPolicy: {
                set: [{ name: 'l5d-dst-override', value: 'podinfo-canary.test.svc.cluster.local:9898' }],
              },
            },
          ],
        },
      ],
    });
  });

  it('A/B: one route per match entry (alternatives), then the rest on the primary', () => {
    const spec = buildHTTPProxySpec(
      canary(
        {},
        {
          iterations: 5,
          match: [
            { headers: { 'x-canary': { exact: 'insider' } } },
            { headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } },
          ],
        },
      ),
      { primaryWeight: 0, canaryWeight: 100, mirrored: false },
    );
    expect(spec.routes.map((r) => r.conditions)).toEqual([
      [{ prefix: '/' }, { header: { name: 'x-canary', exact: 'insider' } }],
      [{ prefix: '/' }, { header: { name: 'cookie', regex: '^(.*?;)?(canary=always)(;.*)?$' } }],
      [{ prefix: '/' }],
    ]);
    expect(routesOfHTTPProxy(spec, 'podinfo-canary')).toEqual({
      primaryWeight: 0,
      canaryWeight: 100,
      mirrored: false,
    });
  });

  it('A/B: a header suffix is a regex anchored at the end, not contains (which Flagger writes)', () => {
    const spec = buildHTTPProxySpec(
      canary({}, { iterations: 5, match: [{ headers: { 'x-user-email': { suffix: '@example.com' } } }] }),
      { primaryWeight: 0, canaryWeight: 100, mirrored: false },
    );
    expect(spec.routes[0]?.conditions).toEqual([
      { prefix: '/' },
      { header: { name: 'x-user-email', regex: '.*@example\\.com$' } },
    ]);
  });

  it('reads weights as Contour applies them: relative, and an even split when none is set', () => {
    const route = (services: { name: string; weight?: number }[]) => ({
      routes: [{ conditions: [], services: services.map((s) => ({ ...s, port: 80 })) }],
    });
    expect(
      routesOfHTTPProxy(
        route([
          { name: 'p', weight: 3 },
          { name: 'c', weight: 1 },
        ]),
        'c',
      )?.canaryWeight,
    ).toBe(25);
    expect(routesOfHTTPProxy(route([{ name: 'p' }, { name: 'c' }]), 'c')?.canaryWeight).toBe(50);
  });

  it('refuses a retry condition Contour does not have', () => {
    expect(() =>
      buildHTTPProxySpec(canary({ retries: { retryOn: 'retriable-headers,teapot' } }), {
        primaryWeight: 100,
        canaryWeight: 0,
        mirrored: false,
      }),
    ).toThrow('service.retries.retryOn: teapot is not a Contour retry condition');
  });
});
