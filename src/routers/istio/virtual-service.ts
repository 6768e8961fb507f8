/**
 * Builds the VirtualService Aviary wants for a Canary and a traffic split — a pure function, so the
 * router, tests and `aviary explain`-style tooling all see the same object.
 *
 * Differences from Flagger, on purpose:
 * - `mesh` is always among the gateways (unless delegation): with only an ingress gateway, in-mesh calls
 *   through the Kubernetes Service bypass the weights and split by pod count (flagger#141, argo-rollouts#3383).
 * - the apex short name is always among the hosts: Istio resolves it to `<apex>.<ns>.svc.<domain>`, and
 *   the sidecars answer every name of that service (`podinfo`, `podinfo.ns`, the FQDN), so in-mesh
 *   callers using any of them match the rules. Only one of the short name and the FQDN is listed: both
 *   define the same host twice, which `istioctl analyze` reports as an error (IST0109).
 */
import { serviceNames } from '../../api/defaults.js';
import type { Canary, HTTPMatchRequest } from '../../api/types.js';
import type { RouteOptions, Routes } from '../../engine/ports.js';
import type { Destination, HTTPRoute, HTTPRouteDestination, VirtualServiceSpec } from './types.js';
import { sessionCookieHeader } from '../shared/session-cookie.js';

export const WEIGHTED_RULE = 'aviary-weighted';
export const STICKY_RULE = 'aviary-sticky';
export const DEFAULT_RULE = 'aviary-default';
export const EXPIRED_COOKIE_RULE = 'aviary-expired-cookie';

export function buildVirtualServiceSpec(
  canary: Canary,
  routes: Routes,
  options: RouteOptions = {},
): VirtualServiceSpec {
  const { service, analysis } = canary.spec;
  const names = serviceNames(canary.spec);
  const namespace = canary.metadata.namespace ?? 'default';
  const primary: Destination = { host: names.primary, port: { number: service.port } };
  const canaryDest: Destination = { host: names.canary, port: { number: service.port } };
  const shared = sharedRuleFields(canary);
  const weighted = (primaryWeight: number, canaryWeight: number): HTTPRouteDestination[] => [
    { destination: primary, weight: primaryWeight },
    { destination: canaryDest, weight: canaryWeight },
  ];

  const serviceMatch = service.match ?? [];
  const rules: HTTPRoute[] = [];
  const affinity = analysis.sessionAffinity;

  if ((analysis.match?.length ?? 0) > 0) {
    // A/B: requests matching the analysis conditions follow the weights (0/100 sends them all to the
    // canary); everything else stays on the primary.
    rules.push({
      name: WEIGHTED_RULE,
      ...withMatch(mergeMatches(analysis.match ?? [], serviceMatch)),
      ...shared,
      route: weighted(routes.primaryWeight, routes.canaryWeight),
    });
    rules.push({ name: DEFAULT_RULE, ...withMatch(serviceMatch), ...shared, route: weighted(100, 0) });
  } else if (affinity && options.canaryCookie && routes.canaryWeight > 0) {
    // Session affinity: a client that was sent to the canary once carries the cookie and stays there.
    const cookie = `${affinity.cookieName}=${options.canaryCookie}`;
    rules.push({
      name: STICKY_RULE,
      ...withMatch(
        mergeMatches([{ headers: { Cookie: { regex: `.*${escapeRegex(cookie)}.*` } } }], serviceMatch),
      ),
      ...shared,
      route: weighted(0, 100),
    });
    const route = weighted(routes.primaryWeight, routes.canaryWeight);
    route[1] = {
      ...route[1]!,
      headers: { response: { add: { 'Set-Cookie': sessionCookieHeader(cookie, affinity) } } },
    };
    rules.push({ name: WEIGHTED_RULE, ...withMatch(serviceMatch), ...shared, route });
  } else {
    if (affinity && options.previousCookie && routes.canaryWeight === 0) {
      // Clients still holding the last canary's cookie go to the primary and have the cookie expired.
      const cookie = `${affinity.cookieName}=${options.previousCookie}`;
      const route = weighted(100, 0);
      route[0] = { ...route[0]!, headers: { response: { add: { 'Set-Cookie': `${cookie}; Max-Age=-1` } } } };
      rules.push({
        name: EXPIRED_COOKIE_RULE,
        ...withMatch(
          mergeMatches([{ headers: { Cookie: { regex: `.*${escapeRegex(cookie)}.*` } } }], serviceMatch),
        ),
        ...shared,
        route,
      });
    }
    const rule: HTTPRoute = {
      name: WEIGHTED_RULE,
      ...withMatch(serviceMatch),
      ...shared,
      route: weighted(routes.primaryWeight, routes.canaryWeight),
    };
    if (routes.mirrored) {
      rule.mirror = canaryDest;
      if (analysis.mirrorWeight !== undefined) rule.mirrorPercentage = { value: analysis.mirrorWeight };
    }
    rules.push(rule);
  }

  if (service.delegation) return { hosts: [], gateways: [], http: rules };
  return {
    hosts: hostsOf(canary, names.apex, namespace),
    gateways: gatewaysOf(service.gateways),
    http: rules,
  };
}

function hostsOf(canary: Canary, apex: string, namespace: string): string[] {
  const hosts = [...(canary.spec.service.hosts ?? [])];
  if (hosts.includes('*')) return hosts;
  const fqdn = `${apex}.${namespace}.svc.`;
  if (!hosts.some((host) => host === apex || host.startsWith(fqdn))) hosts.push(apex);
  return hosts;
}

function gatewaysOf(gateways: string[] | undefined): string[] {
  const list = [...(gateways ?? [])];
  if (!list.includes('mesh')) list.push('mesh');
  return list;
}

function sharedRuleFields(canary: Canary): Omit<HTTPRoute, 'route'> {
  const { service } = canary.spec;
  const fields: Omit<HTTPRoute, 'route'> = {};
  if (service.rewrite) {
    const { uri, authority } = service.rewrite;
    fields.rewrite = { ...(uri ? { uri } : {}), ...(authority ? { authority } : {}) };
  }
  if (service.timeout) fields.timeout = service.timeout;
  if (service.retries) fields.retries = { ...service.retries };
  if (service.corsPolicy) fields.corsPolicy = { ...service.corsPolicy };
  if (service.headers) fields.headers = { ...service.headers };
  return fields;
}

function withMatch(match: HTTPMatchRequest[]): { match?: HTTPMatchRequest[] } {
  return match.length > 0 ? { match } : {};
}

/**
 * Every analysis condition combined with every service condition (a request must satisfy both), as
 * Flagger does; the analysis condition's own fields win where both set one.
 */
export function mergeMatches(
  analysisMatch: HTTPMatchRequest[],
  serviceMatch: HTTPMatchRequest[],
): HTTPMatchRequest[] {
  if (serviceMatch.length === 0) return analysisMatch;
  return analysisMatch.flatMap((condition) =>
    serviceMatch.map((base) => ({
      ...base,
      ...condition,
      ...(base.headers || condition.headers ? { headers: { ...base.headers, ...condition.headers } } : {}),
    })),
  );
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Reads the split back from a VirtualService: the weighted rule Aviary wrote, else the first rule. */
export function routesOf(spec: VirtualServiceSpec, canaryHost: string): Routes | undefined {
  const rule = spec.http.find((r) => r.name === WEIGHTED_RULE) ?? spec.http[0];
  if (!rule) return undefined;
  const canaryWeight = rule.route.find((d) => d.destination.host === canaryHost)?.weight ?? 0;
  const primaryWeight = rule.route
    .filter((d) => d.destination.host !== canaryHost)
    .reduce((sum, d) => sum + (d.weight ?? 0), 0);
  return { primaryWeight, canaryWeight, mirrored: rule.mirror?.host === canaryHost };
}
