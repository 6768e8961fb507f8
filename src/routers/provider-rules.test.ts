import { describe, expect, it } from 'vitest';
import { validateDocuments } from '../validation/validate.js';

const canary = (provider: string, extra = '', analysis = 'stepWeight: 10') => `apiVersion: aviary.dev/v1beta1
kind: Canary
metadata: {name: podinfo, namespace: test}
spec:
  provider: ${provider}
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service:
    port: 9898
${extra}  analysis:
    interval: 1m
    threshold: 5
    maxWeight: 50
    ${analysis}
`;

const errors = (yaml: string) => validateDocuments(yaml).problems.filter((p) => p.severity === 'error');

describe('aviary validate checks spec.provider against the router registry', () => {
  it('accepts a weighted canary on a weights-only provider', () => {
    expect(errors(canary('traefik'))).toEqual([]);
  });

  it('refuses App Mesh with the date AWS ended it and the way off it', () => {
    for (const provider of ['appmesh', 'appmesh:v1beta2']) {
      const [problem, ...rest] = errors(canary(provider));
      expect(rest).toEqual([]);
      expect(problem).toMatchObject({ path: 'spec.provider' });
      expect(problem?.message).toContain('2026-09-30');
      expect(problem?.fix).toContain('gatewayapi:v1');
      expect(problem?.fix).toContain('ECS Service Connect');
    }
  });

  it('refuses A/B match on a router that cannot route by request, naming the field and providers that can', () => {
    const [problem, ...rest] = errors(
      canary('traefik', '', 'iterations: 10\n    match: [{headers: {x-canary: {exact: insider}}}]'),
    );
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ path: 'spec.analysis.match' });
    expect(problem?.message).toContain('provider traefik cannot route by request headers');
    expect(problem?.fix).toMatch(/use a provider that can \(istio, .*nginx/);
  });

  it('refuses mirror, session affinity, TCP and CORS where the router would drop them', () => {
    const paths = (yaml: string) => errors(yaml).map((p) => p.path);
    expect(paths(canary('contour', '', 'iterations: 10\n    mirror: true'))).toEqual([
      'spec.analysis.mirror',
    ]);
    expect(paths(canary('contour', '', 'stepWeight: 10\n    sessionAffinity: {cookieName: c}'))).toEqual([
      'spec.analysis.sessionAffinity',
    ]);
    expect(paths(canary('linkerd', '    appProtocol: TCP\n'))).toEqual(['spec.service.appProtocol']);
    expect(paths(canary('traefik', '    corsPolicy: {allowOrigins: [{exact: "*"}]}\n'))).toEqual([
      'spec.service.corsPolicy',
    ]);
  });

  it('reports primaryCookieName once when session affinity itself is refused', () => {
    const yaml = canary(
      'traefik',
      '',
      'stepWeight: 10\n    sessionAffinity: {cookieName: c, primaryCookieName: p}',
    );
    expect(errors(yaml).map((p) => p.path)).toEqual(['spec.analysis.sessionAffinity']);
  });

  it('accepts primaryCookieName on Gateway API, as Flagger does (its e2e test-session-affinity.sh sets it)', () => {
    const analysis = 'stepWeight: 10\n    sessionAffinity: {cookieName: c, primaryCookieName: p}';
    const gateway = '    gatewayRefs: [{name: gateway, namespace: gateways}]\n';
    for (const provider of ['gatewayapi:v1', 'gatewayapi:v1beta1'])
      expect(errors(canary(provider, gateway, analysis)), provider).toEqual([]);
  });

  it('skipper and apisix need the object they copy named', () => {
    const [skipper] = errors(canary('skipper'));
    expect(skipper).toMatchObject({ path: 'spec.ingressRef' });
    expect(skipper?.fix).toContain('kind: Ingress');
    const [apisix] = errors(canary('apisix'));
    expect(apisix).toMatchObject({ path: 'spec.routeRef' });
    expect(apisix?.fix).toContain('apiVersion: apisix.apache.org/v2, kind: ApisixRoute');
    const named = canary('apisix').replace(
      '  service:',
      '  routeRef: {apiVersion: apisix.apache.org/v2, kind: ApisixRoute, name: web}\n  service:',
    );
    expect(errors(named)).toEqual([]);
  });

  it('knative goes with a Knative Service target, and a Knative Service target with knative', () => {
    const knativeTarget = (yaml: string) =>
      yaml.replace(
        '{apiVersion: apps/v1, kind: Deployment, name: podinfo}',
        '{apiVersion: serving.knative.dev/v1, kind: Service, name: podinfo}',
      );
    expect(errors(knativeTarget(canary('knative')))).toEqual([]);
    const [deployment] = errors(canary('knative'));
    expect(deployment).toMatchObject({ path: 'spec.targetRef' });
    expect(deployment?.fix).toContain('serving.knative.dev/v1');
    const [istio] = errors(knativeTarget(canary('istio')));
    expect(istio).toMatchObject({ path: 'spec.provider', fix: 'set provider: knative' });
  });

  it('a TCP service on plain Kubernetes Services is fine (they carry any protocol)', () => {
    expect(errors(canary('kubernetes', '    appProtocol: tcp\n', 'iterations: 10'))).toEqual([]);
  });
});
