import { describe, expect, it } from 'vitest';
import type { Canary } from '../../api/types.js';
import { buildHTTPRouteSpec, routesOfHTTPRoute } from './http-route.js';

function canary(
  service: Partial<Canary['spec']['service']> = {},
  analysis: Partial<Canary['spec']['analysis']> = {},
): Canary {
  return {
    apiVersion: 'aviary.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      provider: 'gatewayapi:v1',
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      service: {
        port: 9898,
        gatewayRefs: [{ name: 'public', namespace: 'istio-ingress' }],
        hosts: ['app.example.com'],
        ...service,
      },
      analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10, ...analysis },
    },
  };
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
      { canaryCookie: 'abc' },
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
