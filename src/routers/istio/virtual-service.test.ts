import { describe, expect, it } from 'vitest';
import type { Canary } from '../../api/types.js';
import { podinfoCanary } from '../../engine/testing/fixtures.js';
import { mergeMatches, MERGED_MATCH_FIELDS } from '../shared/match.js';
import { buildVirtualServiceSpec, routesOf } from './virtual-service.js';

function canary(
  overrides: Partial<Canary['spec']> = {},
  analysis: Partial<Canary['spec']['analysis']> = {},
): Canary {
  return podinfoCanary(analysis, overrides);
}

const split = (primaryWeight: number, canaryWeight: number, mirrored = false) => ({
  primaryWeight,
  canaryWeight,
  mirrored,
});

describe('Istio VirtualService builder', () => {
  it('routes by weight to the primary and canary services', () => {
    const spec = buildVirtualServiceSpec(canary(), split(90, 10));
    expect(spec.http).toHaveLength(1);
    expect(spec.http![0]!.route).toEqual([
      { destination: { host: 'podinfo-primary', port: { number: 9898 } }, weight: 90 },
      { destination: { host: 'podinfo-canary', port: { number: 9898 } }, weight: 10 },
    ]);
    expect(routesOf(spec, 'podinfo-canary')).toEqual(split(90, 10));
  });

  it('binds the mesh gateway and the in-mesh host (the apex, once) even when an ingress gateway is set', () => {
    const spec = buildVirtualServiceSpec(
      canary({
        service: { port: 9898, gateways: ['public-gateway.istio-system'], hosts: ['app.example.com'] },
      }),
      split(100, 0),
    );
    expect(spec.gateways).toEqual(['public-gateway.istio-system', 'mesh']);
    // Istio expands the short name to podinfo.test.svc.cluster.local and answers every name of it;
    // listing the FQDN as well would define the host twice (istioctl IST0109).
    expect(spec.hosts).toEqual(['app.example.com', 'podinfo']);
    const fqdn = buildVirtualServiceSpec(
      canary({ service: { port: 9898, hosts: ['podinfo.test.svc.cluster.local'] } }),
      split(100, 0),
    );
    expect(fqdn.hosts).toEqual(['podinfo.test.svc.cluster.local']);
  });

  it('leaves hosts and gateways empty for a delegate VirtualService', () => {
    const spec = buildVirtualServiceSpec(
      canary({ service: { port: 9898, delegation: true } }),
      split(100, 0),
    );
    expect(spec.hosts).toEqual([]);
    expect(spec.gateways).toEqual([]);
  });

  it('sends only matching requests to the canary in A/B testing', () => {
    const ab = canary(
      { service: { port: 9898, match: [{ uri: { prefix: '/api' } }] } },
      {
        iterations: 10,
        stepWeight: undefined,
        match: [{ headers: { 'x-canary': { exact: 'insider' } } }],
      },
    );
    const spec = buildVirtualServiceSpec(ab, split(0, 100));
    expect(spec.http![0]!.match).toEqual([
      { uri: { prefix: '/api' }, headers: { 'x-canary': { exact: 'insider' } } },
    ]);
    expect(spec.http![0]!.route.map((r) => r.weight)).toEqual([0, 100]);
    expect(spec.http![1]!.match).toEqual([{ uri: { prefix: '/api' } }]);
    expect(spec.http![1]!.route.map((r) => r.weight)).toEqual([100, 0]);
    expect(routesOf(spec, 'podinfo-canary')).toEqual(split(0, 100));
  });

  it("writes a header suffix as the RE2 regex that means it (Istio's StringMatch has no suffix)", () => {
    const ab = canary(
      { service: { port: 9898, match: [{ uri: { prefix: '/api' } }] } },
      {
        iterations: 10,
        stepWeight: undefined,
        match: [{ headers: { 'x-user-email': { suffix: '@example.com' }, 'x-canary': { exact: 'on' } } }],
      },
    );
    const spec = buildVirtualServiceSpec(ab, split(0, 100));
    expect(spec.http![0]!.match).toEqual([
      {
        uri: { prefix: '/api' },
        headers: { 'x-user-email': { regex: '.*@example\\.com$' }, 'x-canary': { exact: 'on' } },
      },
    ]);
    expect(JSON.stringify(spec)).not.toContain('suffix');
  });

  it('mirrors to the canary with the mirror percentage', () => {
    const spec = buildVirtualServiceSpec(canary({}, { mirror: true, mirrorWeight: 25 }), split(100, 0, true));
    expect(spec.http![0]!.mirror).toEqual({ host: 'podinfo-canary', port: { number: 9898 } });
    expect(spec.http![0]!.mirrorPercentage).toEqual({ value: 25 });
    expect(routesOf(spec, 'podinfo-canary')?.mirrored).toBe(true);
  });

  it('pins clients holding the session cookie to the canary and sets the cookie on canary responses', () => {
    const sticky = canary({}, { sessionAffinity: { cookieName: 'canary-session', maxAge: 600 } });
    const spec = buildVirtualServiceSpec(sticky, split(80, 20), { canaryCookie: 'canary-session=abc123' });
    expect(spec.http![0]!.match).toEqual([{ headers: { Cookie: { regex: '.*canary-session=abc123.*' } } }]);
    expect(spec.http![0]!.route.map((r) => r.weight)).toEqual([0, 100]);
    expect(spec.http![1]!.route[1]!.headers?.response?.add?.['Set-Cookie']).toBe(
      'canary-session=abc123; Max-Age=600',
    );
    expect(routesOf(spec, 'podinfo-canary')).toEqual(split(80, 20));
  });

  it('expires the previous canary cookie once the canary has no traffic', () => {
    const sticky = canary({}, { sessionAffinity: { cookieName: 'canary-session' } });
    const spec = buildVirtualServiceSpec(sticky, split(100, 0), { previousCookie: 'canary-session=old' });
    expect(spec.http![0]!.route[0]!.headers?.response?.add?.['Set-Cookie']).toBe(
      'canary-session=old; Max-Age=-1',
    );
    expect(routesOf(spec, 'podinfo-canary')).toEqual(split(100, 0));
  });

  it('expires the previous canary cookie on the path and domain it was set for', () => {
    const sticky = canary(
      {},
      { sessionAffinity: { cookieName: 'canary-session', path: '/app', domain: 'example.com' } },
    );
    const spec = buildVirtualServiceSpec(sticky, split(100, 0), { previousCookie: 'canary-session=old' });
    expect(spec.http![0]!.route[0]!.headers?.response?.add?.['Set-Cookie']).toBe(
      'canary-session=old; Max-Age=-1; Path=/app; Domain=example.com',
    );
  });

  it('carries retries, timeout, headers and CORS to every rule', () => {
    const spec = buildVirtualServiceSpec(
      canary({
        service: {
          port: 9898,
          timeout: '5s',
          retries: { attempts: 3, perTryTimeout: '1s', retryOn: '5xx' },
          headers: { request: { add: { 'x-envoy-upstream-rq-timeout-ms': '15000' } } },
          corsPolicy: { allowOrigin: ['example.com'], allowMethods: ['GET'] },
        },
      }),
      split(100, 0),
    );
    expect(spec.http![0]).toMatchObject({
      timeout: '5s',
      retries: { attempts: 3, perTryTimeout: '1s', retryOn: '5xx' },
      headers: { request: { add: { 'x-envoy-upstream-rq-timeout-ms': '15000' } } },
      corsPolicy: { allowOrigin: ['example.com'], allowMethods: ['GET'] },
    });
  });

  it("combines each A/B condition with each service condition by Flagger's rule: the service condition with the analysis headers and sourceLabels", () => {
    expect(
      mergeMatches(
        [
          { headers: { a: { exact: '1' } }, uri: { prefix: '/ignored' } },
          { headers: { b: { exact: '2' } }, sourceLabels: { app: 'web' } },
        ],
        [{ uri: { prefix: '/x' }, headers: { base: { exact: 'replaced' } } }],
        MERGED_MATCH_FIELDS.istio,
      ),
    ).toEqual([
      { uri: { prefix: '/x' }, headers: { a: { exact: '1' } } },
      { uri: { prefix: '/x' }, headers: { b: { exact: '2' } }, sourceLabels: { app: 'web' } },
    ]);
  });

  it('writes a tcp route for appProtocol TCP, matched on the service.match ports, as Flagger does', () => {
    const tcp = canary({ service: { port: 9000, appProtocol: 'TCP', match: [{ port: 9000 }] } });
    const spec = buildVirtualServiceSpec(tcp, split(70, 30));
    expect(spec.http).toBeUndefined();
    expect(spec.tcp).toEqual([
      {
        match: [{ port: 9000 }],
        route: [
          { destination: { host: 'podinfo-primary', port: { number: 9000 } }, weight: 70 },
          { destination: { host: 'podinfo-canary', port: { number: 9000 } }, weight: 30 },
        ],
      },
    ]);
    expect(routesOf(spec, 'podinfo-canary')).toEqual(split(70, 30));
  });

  it('with primaryCookieName pins clients sent to the primary for one analysis interval (Flagger: sticky-canary, sticky-primary, weighted)', () => {
    const sticky = canary(
      {},
      { interval: '2m', sessionAffinity: { cookieName: 'canary', primaryCookieName: 'primary' } },
    );
    const spec = buildVirtualServiceSpec(sticky, split(90, 10), {
      canaryCookie: 'canary=c1',
      primaryCookie: 'primary=p1',
    });
    const [toCanary, toPrimary, weighted] = spec.http!;
    expect(toCanary!.match).toEqual([{ headers: { Cookie: { regex: '.*canary=c1.*' } } }]);
    expect(toCanary!.route.map((r) => r.weight)).toEqual([0, 100]);
    expect(toPrimary!.match).toEqual([{ headers: { Cookie: { regex: '.*primary=p1.*' } } }]);
    expect(toPrimary!.route.map((r) => r.weight)).toEqual([100, 0]);
    expect(weighted!.route.map((r) => r.headers?.response?.add?.['Set-Cookie'])).toEqual([
      'primary=p1; Max-Age=120',
      'canary=c1; Max-Age=86400',
    ]);
    expect(routesOf(spec, 'podinfo-canary')).toEqual(split(90, 10));
  });

  it('writes the status cookie once (name=value, never name=name=value) and maxAge 0 as a day, as Flagger does', () => {
    const sticky = canary({}, { sessionAffinity: { cookieName: 'flagger-cookie', maxAge: 0 } });
    const spec = buildVirtualServiceSpec(sticky, split(90, 10), { canaryCookie: 'flagger-cookie=XYZ' });
    expect(spec.http![1]!.route[1]!.headers?.response?.add?.['Set-Cookie']).toBe(
      'flagger-cookie=XYZ; Max-Age=86400',
    );
  });

  it('mirrors every request when mirrorWeight is 0 (no mirrorPercentage, as Flagger writes it)', () => {
    const spec = buildVirtualServiceSpec(canary({}, { mirror: true, mirrorWeight: 0 }), split(100, 0, true));
    expect(spec.http![0]!.mirror?.host).toBe('podinfo-canary');
    expect(spec.http![0]!.mirrorPercentage).toBeUndefined();
  });
});
