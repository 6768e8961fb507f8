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
import { serviceNames, namespaceOf } from '../../api/defaults.js';
import type { Canary, HTTPMatchRequest } from '../../api/types.js';
import type { RouteOptions, Routes } from '../../engine/ports.js';
import type {
  Destination,
  HTTPRoute,
  HTTPRouteDestination,
  IstioMatchRequest,
  VirtualServiceSpec,
} from './types.js';
import { parseDuration } from '../../api/duration.js';
import { MERGED_MATCH_FIELDS, mergeMatches, suffixAsRegex } from '../shared/match.js';
import { expiredCookieHeader, sessionCookieHeader } from '../../api/session-affinity.js';
import { cookieHeaderRegex } from '../shared/session-cookie.js';

export const WEIGHTED_RULE = 'aviary-weighted';
export const STICKY_RULE = 'aviary-sticky';
export const STICKY_PRIMARY_RULE = 'aviary-sticky-primary';
export const DEFAULT_RULE = 'aviary-default';
export const EXPIRED_COOKIE_RULE = 'aviary-expired-cookie';

export function buildVirtualServiceSpec(
  canary: Canary,
  routes: Routes,
  options: RouteOptions = {},
): VirtualServiceSpec {
  const { service } = canary.spec;
  const names = serviceNames(canary.spec);
  const namespace = namespaceOf(canary);
  const destination = (host: string): Destination => ({ host, port: { number: service.port } });
  const weighted = (primaryWeight: number, canaryWeight: number): HTTPRouteDestination[] => [
    { destination: destination(names.primary), weight: primaryWeight },
    { destination: destination(names.canary), weight: canaryWeight },
  ];
  const where = service.delegation
    ? { hosts: [], gateways: [] }
    : { hosts: hostsOf(canary, names.apex, namespace), gateways: gatewaysOf(service.gateways) };
  if (isTcp(canary)) {
    // Flagger's shape for a TCP service: one tcp route, matched on the ports of service.match.
    const ports = (service.match ?? []).flatMap((m) => (m.port !== undefined ? [{ port: m.port }] : []));
    const route = weighted(routes.primaryWeight, routes.canaryWeight).map(({ destination, weight }) => ({
      destination,
      weight,
    }));
    return { ...where, tcp: [{ ...(ports.length ? { match: ports } : {}), route }] };
  }
  return { ...where, http: httpRules(canary, routes, options, weighted, destination(names.canary)) };
}

/** `appProtocol: tcp` (any case, as Flagger compares it): Istio routes the service as TCP, not HTTP. */
export function isTcp(canary: Canary): boolean {
  return canary.spec.service.appProtocol?.toLowerCase() === 'tcp';
}

function httpRules(
  canary: Canary,
  routes: Routes,
  options: RouteOptions,
  weighted: (primaryWeight: number, canaryWeight: number) => HTTPRouteDestination[],
  canaryDest: Destination,
): HTTPRoute[] {
  const { service, analysis } = canary.spec;
  const shared = sharedRuleFields(canary);
  const serviceMatch = service.match ?? [];
  const affinity = analysis.sessionAffinity;
  const cookieRule = (name: string, cookie: string, route: HTTPRouteDestination[]): HTTPRoute => ({
    name,
    ...withMatch(
      mergeMatches(
        [{ headers: { Cookie: { regex: cookieHeaderRegex(cookie) } } }],
        serviceMatch,
        MERGED_MATCH_FIELDS.istio,
      ),
    ),
    ...shared,
    route,
  });
  const setCookie = (dest: HTTPRouteDestination, value: string): HTTPRouteDestination => ({
    ...dest,
    headers: { response: { add: { 'Set-Cookie': value } } },
  });

  if ((analysis.match?.length ?? 0) > 0) {
    // A/B: requests matching the analysis conditions follow the weights (0/100 sends them all to the
    // canary); everything else stays on the primary.
    return [
      {
        name: WEIGHTED_RULE,
        ...withMatch(mergeMatches(analysis.match ?? [], serviceMatch, MERGED_MATCH_FIELDS.istio)),
        ...shared,
        route: weighted(routes.primaryWeight, routes.canaryWeight),
      },
      { name: DEFAULT_RULE, ...withMatch(serviceMatch), ...shared, route: weighted(100, 0) },
    ];
  }
  if (affinity && options.canaryCookie && routes.canaryWeight > 0) {
    // Session affinity: a client that was sent to the canary once carries the cookie and stays there;
    // with primaryCookieName, one sent to the primary is pinned there for an analysis interval.
    const [toPrimary, toCanary] = weighted(routes.primaryWeight, routes.canaryWeight) as [
      HTTPRouteDestination,
      HTTPRouteDestination,
    ];
    const rules = [cookieRule(STICKY_RULE, options.canaryCookie, weighted(0, 100))];
    let primaryDest = toPrimary;
    if (affinity.primaryCookieName && options.primaryCookie) {
      rules.push(cookieRule(STICKY_PRIMARY_RULE, options.primaryCookie, weighted(100, 0)));
      const seconds = Math.round((parseDuration(analysis.interval ?? '1m') ?? 60_000) / 1000);
      primaryDest = setCookie(toPrimary, sessionCookieHeader(options.primaryCookie, affinity, seconds));
    }
    const route = [primaryDest, setCookie(toCanary, sessionCookieHeader(options.canaryCookie, affinity))];
    rules.push({ name: WEIGHTED_RULE, ...withMatch(serviceMatch), ...shared, route });
    return rules;
  }
  const rules: HTTPRoute[] = [];
  if (affinity && options.previousCookie && routes.canaryWeight === 0) {
    // Clients still holding the last canary's cookie go to the primary and have the cookie expired.
    const [toPrimary, toCanary] = weighted(100, 0) as [HTTPRouteDestination, HTTPRouteDestination];
    const expire = setCookie(toPrimary, expiredCookieHeader(options.previousCookie, affinity));
    rules.push(cookieRule(EXPIRED_COOKIE_RULE, options.previousCookie, [expire, toCanary]));
  }
  const rule: HTTPRoute = {
    name: WEIGHTED_RULE,
    ...withMatch(serviceMatch),
    ...shared,
    route: weighted(routes.primaryWeight, routes.canaryWeight),
  };
  if (routes.mirrored) {
    rule.mirror = canaryDest;
    // As Flagger: no mirrorPercentage (Istio then copies every request) unless mirrorWeight is above 0.
    if ((analysis.mirrorWeight ?? 0) > 0) rule.mirrorPercentage = { value: analysis.mirrorWeight! };
  }
  rules.push(rule);
  return rules;
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

function withMatch(match: HTTPMatchRequest[]): { match?: IstioMatchRequest[] } {
  return match.length > 0 ? { match: match.map(istioMatch) } : {};
}

/** Istio's StringMatch has no suffix: a header suffix becomes its regex (RE2, matched whole). */
function istioMatch(m: HTTPMatchRequest): IstioMatchRequest {
  const { headers, ...rest } = m;
  if (!headers) return rest;
  return {
    ...rest,
    headers: Object.fromEntries(Object.entries(headers).map(([name, v]) => [name, suffixAsRegex(v)])),
  };
}

/**
 * Reads the split back from a VirtualService: the weighted rule Aviary wrote, else the first HTTP rule;
 * for a TCP service the tcp route that sends to the canary.
 */
export function routesOf(spec: VirtualServiceSpec, canaryHost: string): Routes | undefined {
  const http = spec.http ?? [];
  const rule =
    http.find((r) => r.name === WEIGHTED_RULE) ??
    http[0] ??
    spec.tcp?.find((r) => r.route.some((d) => d.destination.host === canaryHost));
  if (!rule) return undefined;
  const canaryWeight = rule.route.find((d) => d.destination.host === canaryHost)?.weight ?? 0;
  const primaryWeight = rule.route
    .filter((d) => d.destination.host !== canaryHost)
    .reduce((sum, d) => sum + (d.weight ?? 0), 0);
  const mirror = 'mirror' in rule ? rule.mirror : undefined;
  return { primaryWeight, canaryWeight, mirrored: mirror?.host === canaryHost };
}
