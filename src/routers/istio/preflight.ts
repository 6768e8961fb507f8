/**
 * Routing rules that never take effect fail silently in Istio: the VirtualService is accepted, the
 * weights look right, and no request follows them. These checks name the cause before the canary
 * starts (users hit each of them: flagger#347, #1180, #1109, istio#9268, argo-rollouts#3383).
 */
import { serviceNames, namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';

export interface IstioGateway {
  metadata: { name: string; namespace: string };
  spec: { selector?: Record<string, string>; servers?: { hosts?: string[]; port?: { number?: number } }[] };
}

export interface RoutingWorld {
  /** Gateways that exist, from every namespace the service's gateways name. */
  gateways: IstioGateway[];
  /** Labels of pods the gateways' selectors match (one pod per selector is enough), in any namespace. */
  podLabels: Record<string, string>[];
}

export interface RoutingProblem {
  field: string;
  message: string;
}

export function routingProblems(canary: Canary, world: RoutingWorld): RoutingProblem[] {
  const problems: RoutingProblem[] = [];
  const { service, analysis, provider } = canary.spec;
  const namespace = namespaceOf(canary);
  const names = serviceNames(canary.spec);
  const hosts = service.hosts ?? [];

  if (hosts.includes('*') && !service.delegation) {
    problems.push({
      field: 'spec.service.hosts',
      message:
        'hosts contains "*": Istio rejects a wildcard host on the mesh gateway Aviary binds, and on an ingress gateway it captures every host — list the real host names instead',
    });
  }

  (service.gateways ?? []).forEach((ref, index) => {
    if (ref === 'mesh') return;
    const [gwNamespace, gwName] = ref.includes('/') ? (ref.split('/') as [string, string]) : [namespace, ref];
    const [name, dottedNamespace] = gwName.includes('.')
      ? (gwName.split('.', 2) as [string, string])
      : [gwName, undefined];
    const wantedNamespace = dottedNamespace ?? gwNamespace;
    const gateway = world.gateways.find(
      (g) => g.metadata.name === name && g.metadata.namespace === wantedNamespace,
    );
    const field = `spec.service.gateways[${index}]`;
    if (!gateway) {
      problems.push({
        field,
        message: `gateway "${ref}" not found (looked for Gateway ${name} in namespace ${wantedNamespace}) — the VirtualService will not apply to ingress traffic; write <namespace>/<name>, e.g. istio-system/public-gateway`,
      });
      return;
    }
    const selector = gateway.spec.selector ?? {};
    const selected = world.podLabels.some((labels) =>
      Object.entries(selector).every(([k, v]) => labels[k] === v),
    );
    if (Object.keys(selector).length > 0 && !selected) {
      problems.push({
        field,
        message: `gateway ${wantedNamespace}/${name} selects pods with ${formatLabels(selector)} but no pod has those labels — no ingress gateway will load its rules (check the ingress gateway's labels, e.g. istio: ingressgateway)`,
      });
    }
    const gatewayHosts = (gateway.spec.servers ?? []).flatMap((s) => s.hosts ?? []);
    const vsHosts = hosts.length > 0 ? hosts : [names.apex];
    if (gatewayHosts.length > 0 && !vsHosts.some((h) => gatewayHosts.some((g) => hostMatches(g, h)))) {
      problems.push({
        field: 'spec.service.hosts',
        message: `none of the hosts [${vsHosts.join(', ')}] is served by gateway ${wantedNamespace}/${name} (it serves [${gatewayHosts.join(', ')}]) — ingress requests will get 404; add the public host to spec.service.hosts`,
      });
    }
  });

  const prefixes = (service.match ?? []).map((m) => m.uri?.prefix).filter((p): p is string => Boolean(p));
  if (prefixes.length > 0) {
    (analysis.webhooks ?? []).forEach((hook, index) => {
      const targetUrl = hook.metadata?.cmd?.match(/https?:\/\/\S+/)?.[0];
      if (!targetUrl || !isCanaryOrApexUrl(targetUrl, names)) return;
      const path = safePath(targetUrl);
      if (path !== undefined && !prefixes.some((p) => path.startsWith(p))) {
        problems.push({
          field: `spec.analysis.webhooks[${index}].metadata.cmd`,
          message: `load test calls path ${path}, outside the routed URI prefixes [${prefixes.join(', ')}] — its traffic will not match the rules and the analysis will see no canary requests`,
        });
      }
    });
  }

  if (provider === 'istio' && (analysis.match?.length ?? 0) > 0 && (analysis.iterations ?? 0) === 0) {
    problems.push({
      field: 'spec.analysis.iterations',
      message:
        'analysis.match is set but iterations is 0: A/B testing needs iterations, otherwise the match is ignored and traffic is split by weight',
    });
  }
  return problems;
}

function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Istio host matching: `*.example.com` covers `a.example.com`; `*` covers everything. */
function hostMatches(pattern: string, host: string): boolean {
  const bare = pattern.includes('/') ? pattern.slice(pattern.indexOf('/') + 1) : pattern;
  if (bare === '*' || bare === host) return true;
  return bare.startsWith('*.') && host.endsWith(bare.slice(1));
}

function isCanaryOrApexUrl(url: string, names: { apex: string; canary: string }): boolean {
  try {
    const host = new URL(url).hostname;
    return [names.apex, names.canary].some((n) => host === n || host.startsWith(`${n}.`));
  } catch {
    return false;
  }
}

function safePath(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
