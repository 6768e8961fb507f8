/**
 * Routing settings a provider needs, or cannot apply, caught by validate instead of at run time:
 * Flagger accepts these Canaries and then fails in its router (or drops the setting).
 */
import { providerOf } from './defaults.js';
import type { FieldProblem } from './problems.js';
import type { CanarySpec, HTTPMatchRequest, Provider } from './types.js';

/** The analysis.match fields a merged A/B condition takes over a service.match (Flagger's rule). */
const CARRIED_MATCH_FIELDS: Partial<Record<string, readonly string[]>> = {
  istio: ['headers', 'sourceLabels'],
  'gatewayapi:v1': ['headers', 'queryParams'],
  'gatewayapi:v1beta1': ['headers', 'queryParams'],
};

export function routingRules(spec: CanarySpec, meshProvider?: Provider): FieldProblem[] {
  const provider = providerOf(spec, meshProvider);
  const { service, analysis } = spec;
  const out: FieldProblem[] = [];
  if (provider === 'istio' && service.delegation && (service.hosts?.length || service.gateways?.length)) {
    out.push({
      path: 'spec.service.delegation',
      message:
        'a delegate VirtualService cannot have hosts or gateways; Istio would not use it as a delegate',
      fix: 'remove spec.service.hosts and spec.service.gateways (the root VirtualService that delegates to this one holds them), or remove delegation',
    });
  }
  if (provider === 'nginx' && !(spec.ingressRef as { name?: string } | undefined)?.name) {
    out.push({
      path: 'spec.ingressRef',
      message: 'provider nginx routes through a copy of your Ingress, and no Ingress is named',
      fix: 'add ingressRef: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: <the Ingress that routes to the apex service>}',
    });
  }
  if (provider.startsWith('gatewayapi') && !service.gatewayRefs?.length) {
    out.push({
      path: 'spec.service.gatewayRefs',
      message: `provider ${provider} writes an HTTPRoute, which would attach to no Gateway`,
      fix: 'add gatewayRefs: [{name: <gateway>, namespace: <its namespace>}] (for a mesh, the Service it serves through)',
    });
  }
  if (provider === 'istio' && service.appProtocol?.toLowerCase() === 'tcp') {
    const http: [string, unknown][] = [
      ['spec.analysis.match', analysis.match?.length],
      ['spec.analysis.mirror', analysis.mirror],
      ['spec.analysis.sessionAffinity', analysis.sessionAffinity],
    ];
    for (const [path] of http.filter(([, set]) => set)) {
      out.push({
        path,
        message: `${path.split('.').pop()} needs HTTP routing, and appProtocol tcp makes Istio route the service as TCP (by weight only)`,
        fix: `remove ${path}, or serve HTTP (remove spec.service.appProtocol)`,
      });
    }
  }
  const carried = CARRIED_MATCH_FIELDS[provider];
  if (carried && service.match?.length) {
    (analysis.match ?? []).forEach((condition: HTTPMatchRequest, i) => {
      for (const field of Object.keys(condition).filter((k) => !carried.includes(k))) {
        out.push({
          path: `spec.analysis.match[${i}].${field}`,
          message: `is not used: with spec.service.match set, each A/B condition is a service condition with the analysis ${carried.join(' and ')} (as Flagger merges them)`,
          fix: `move ${field} into spec.service.match, or express the condition with ${carried.join(' or ')}`,
          severity: 'warning',
        });
      }
    });
  }
  return out;
}
