import { describe, expect, it } from 'vitest';
import type { Canary } from '../../api/types.js';
import { podinfoCanary } from '../../engine/testing/fixtures.js';
import { buildHTTPRouteSpec, routesOfHTTPRoute } from './http-route.js';

function canary(
  service: Partial<Canary['spec']['service']> = {},
  analysis: Partial<Canary['spec']['analysis']> = {},
): Canary {
  return podinfoCanary(analysis, {
    provider: 'gatewayapi:v1',
    service: {
      port: 9898,
      gatewayRefs: [{ name: 'public', namespace: 'istio-ingress' }],
      hosts: ['app.example.com'],
      ...service,
    },
  });
}

describe('Gateway API HTTPRoute builder', () => {
  it('writes Flagger’s route: parentRefs, hostnames, one weighted rule with timeouts and header filters', () => {
    const spec = buildHTTPRouteSpec(
      canary({
        timeout: '30s',
        backendTimeout: '10s',
        headers: { request: { set: { 'x-b': '2', 'x-a': '1' } } },
      }),
      { primaryWeight: 90, canaryWeight: 10, mirrored: false },
    );
    expect(spec).toEqual({
      parentRefs: [
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'istio-ingress', name: 'public' },
      ],
      hostnames: ['app.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          filters: [
            {
              type: 'RequestHeaderModifier',
              requestHeaderModifier: {
                set: [
                  { name: 'x-a', value: '1' },
                  { name: 'x-b', value: '2' },
                ],
              },
            },
          ],
          backendRefs: [
            { group: '', kind: 'Service', name: 'podinfo-primary', port: 9898, weight: 90 },
            { group: '', kind: 'Service', name: 'podinfo-canary', port: 9898, weight: 10 },
          ],
          timeouts: { request: '30s', backendRequest: '10s' },
        },
      ],
    });
  });

  it('A/B: analysis matches merged with service matches route by weight, the rest stays on the primary', () => {
    const spec = buildHTTPRouteSpec(
      canary(
        { match: [{ uri: { prefix: '/api' } }] },
        {
          iterations: 5,
          match: [{ headers: { 'x-user': { prefix: 'beta' } }, queryParams: { v: { exact: '2' } } }],
        },
      ),
      { primaryWeight: 0, canaryWeight: 100, mirrored: false },
    );
    expect(spec.rules.map((r) => r.matches)).toEqual([
      [
        {
          path: { type: 'PathPrefix', value: '/api' },
          headers: [{ type: 'RegularExpression', name: 'x-user', value: '^beta.*' }],
          queryParams: [{ type: 'Exact', name: 'v', value: '2' }],
        },
      ],
      [{ path: { type: 'PathPrefix', value: '/api' } }],
    ]);
    expect(routesOfHTTPRoute(spec, 'podinfo-canary', true)).toEqual({
      primaryWeight: 0,
      canaryWeight: 100,
      mirrored: false,
    });
    expect(spec.rules[1]?.backendRefs.map((b) => b.weight)).toEqual([100, 0]);
  });

  it('A/B: a header suffix is a RegularExpression match anchored at the end (Gateway API has no suffix)', () => {
    const spec = buildHTTPRouteSpec(
      canary({}, { iterations: 5, match: [{ headers: { 'x-user-email': { suffix: '@example.com' } } }] }),
      { primaryWeight: 0, canaryWeight: 100, mirrored: false },
    );
    expect(spec.rules[0]?.matches).toEqual([
      {
        path: { type: 'PathPrefix', value: '/' },
        headers: [{ type: 'RegularExpression', name: 'x-user-email', value: '.*@example\\.com$' }],
      },
    ]);
  });

  it('blue/green mirror: a RequestMirror filter to the canary, read back as mirrored', () => {
    const spec = buildHTTPRouteSpec(canary({}, { iterations: 5, mirror: true, mirrorWeight: 50 }), {
      primaryWeight: 100,
      canaryWeight: 0,
      mirrored: true,
    });
    expect(spec.rules[0]?.filters).toEqual([
      {
        type: 'RequestMirror',
        requestMirror: {
          backendRef: { group: '', kind: 'Service', name: 'podinfo-canary', port: 9898 },
          percent: 50,
        },
      },
    ]);
    expect(routesOfHTTPRoute(spec, 'podinfo-canary', false)?.mirrored).toBe(true);
  });

  it('session affinity: a cookie rule to the canary first, Set-Cookie on the weighted canary backend', () => {
    const spec = buildHTTPRouteSpec(
      canary({}, { sessionAffinity: { cookieName: 'flagger-cookie', maxAge: 60 } }),
      { primaryWeight: 80, canaryWeight: 20, mirrored: false },
      // The status holds the whole cookie (name=value), as in Flagger; it is written once.
      { canaryCookie: 'flagger-cookie=abc' },
    );
    expect(spec.rules[0]?.matches[0]?.headers).toEqual([
      { type: 'RegularExpression', name: 'Cookie', value: '.*flagger-cookie=abc.*' },
    ]);
    expect(spec.rules[0]?.backendRefs.map((b) => b.weight)).toEqual([0, 100]);
    expect(spec.rules[1]?.backendRefs[1]?.filters).toEqual([
      {
        type: 'ResponseHeaderModifier',
        responseHeaderModifier: { add: [{ name: 'Set-Cookie', value: 'flagger-cookie=abc; Max-Age=60' }] },
      },
    ]);
    expect(routesOfHTTPRoute(spec, 'podinfo-canary', false)).toEqual({
      primaryWeight: 80,
      canaryWeight: 20,
      mirrored: false,
    });
  });

  it("with primaryCookieName: a sticky-primary rule, and the primary's Set-Cookie lasting one interval (Flagger)", () => {
    const spec = buildHTTPRouteSpec(
      canary(
        {},
        { interval: '30s', sessionAffinity: { cookieName: 'c', primaryCookieName: 'p', maxAge: 0 } },
      ),
      { primaryWeight: 90, canaryWeight: 10, mirrored: false },
      { canaryCookie: 'c=1', primaryCookie: 'p=2' },
    );
    expect(spec.rules.map((r) => r.matches[0]?.headers?.[0]?.value)).toEqual([
      '.*c=1.*',
      '.*p=2.*',
      undefined,
    ]);
    expect(spec.rules[1]?.backendRefs.map((b) => b.weight)).toEqual([100, 0]);
    const setCookies = spec.rules[2]?.backendRefs.map((b) =>
      b.filters?.map((f) =>
        f.type === 'ResponseHeaderModifier' ? f.responseHeaderModifier.add?.[0]?.value : '',
      ),
    );
    // maxAge 0 is Flagger's default of a day, not a cookie deleted on arrival.
    expect(setCookies).toEqual([['p=2; Max-Age=30'], ['c=1; Max-Age=86400']]);
  });

  it('corsPolicy becomes a CORS filter on every rule, as Flagger maps it', () => {
    const spec = buildHTTPRouteSpec(
      canary({
        corsPolicy: {
          allowOrigin: ['https://example.com'],
          allowMethods: ['get', 'POST'],
          allowHeaders: ['x-user'],
          exposeHeaders: ['x-trace'],
          allowCredentials: true,
          maxAge: '24h',
        },
      }),
      { primaryWeight: 100, canaryWeight: 0, mirrored: false },
    );
    expect(spec.rules[0]?.filters).toContainEqual({
      type: 'CORS',
      cors: {
        allowOrigins: ['https://example.com'],
        allowMethods: ['GET', 'POST'],
        allowHeaders: ['x-user'],
        exposeHeaders: ['x-trace'],
        allowCredentials: true,
        maxAge: 86400,
      },
    });
    expect(() =>
      buildHTTPRouteSpec(canary({ corsPolicy: { allowOrigin: ['example.com'] } }), {
        primaryWeight: 100,
        canaryWeight: 0,
        mirrored: false,
      }),
    ).toThrow('spec.service.corsPolicy.allowOrigin[0]: "example.com" is not an origin Gateway API accepts');
  });

  it('mirrors every request when mirrorWeight is 0 (no percent, as Flagger writes it)', () => {
    const spec = buildHTTPRouteSpec(canary({}, { mirror: true, mirrorWeight: 0 }), {
      primaryWeight: 100,
      canaryWeight: 0,
      mirrored: true,
    });
    const mirror = spec.rules[0]?.filters?.find((f) => f.type === 'RequestMirror');
    expect(mirror).toEqual({
      type: 'RequestMirror',
      requestMirror: { backendRef: { group: '', kind: 'Service', name: 'podinfo-canary', port: 9898 } },
    });
  });

  it('refuses what an HTTPRoute cannot express, and a route with no gateway', () => {
    const split = { primaryWeight: 100, canaryWeight: 0, mirrored: false };
    expect(() => buildHTTPRouteSpec(canary({}, { match: [{ sourceLabels: { app: 'x' } }] }), split)).toThrow(
      'analysis.match[0]: sourceLabels cannot be expressed',
    );
    expect(() => buildHTTPRouteSpec(canary({ gatewayRefs: [] }), split)).toThrow(
      'service.gatewayRefs is empty',
    );
  });
});
