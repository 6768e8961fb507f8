/**
 * Gloo Edge objects for a Canary, as Flagger writes them — pure functions. Two Upstreams
 * `<namespace>-<apex>-{primary,canary}upstream-<port>` on the primary and canary Services (with the
 * settings of spec.upstreamRef's Upstream, when given), and the RouteTable `<apex>` a VirtualService
 * delegates to: one route, inheriting the VirtualService's path matchers, split by weight between the two.
 * With analysis.match that route carries one matcher per match condition (Gloo ORs a route's matchers)
 * and a second route sends everything else to the primary, so requests that do not match still have a
 * route in this table.
 */
import { serviceNames, namespaceOf } from '../../api/defaults.js';
import type { Canary, HTTPMatchRequest, StringMatch } from '../../api/types.js';
import type { Routes } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import { escapeRegex, suffixAsRegex } from '../shared/match.js';
import { asPercent } from '../shared/routing-object.js';
import type {
  GlooHeaderMatcher,
  GlooMatcher,
  GlooRoute,
  ResourceRef,
  RouteTableSpec,
  UpstreamSpec,
} from './types.js';

export function upstreamNames(canary: Canary): { primary: string; canary: string } {
  const namespace = namespaceOf(canary);
  const { apex } = serviceNames(canary.spec);
  const port = canary.spec.service.port;
  return {
    primary: `${namespace}-${apex}-primaryupstream-${port}`,
    canary: `${namespace}-${apex}-canaryupstream-${port}`,
  };
}

/** The settings Flagger copies from the upstreamRef's Upstream (Gloo's field names). */
const COPIED_SETTINGS = [
  'labels',
  'sslConfig',
  'circuitBreakers',
  'connectionConfig',
  'loadBalancerConfig',
  'useHttp2',
  'initialStreamWindowSize',
  'initialConnectionWindowSize',
  'httpProxyHostName',
] as const;

export function upstreamSpec(
  canary: Canary,
  serviceName: string,
  selector: Record<string, string> | undefined,
  config: Record<string, unknown> | undefined,
): UpstreamSpec {
  const settings = Object.fromEntries(
    COPIED_SETTINGS.filter((k) => config?.[k] !== undefined).map((k) => [k, config?.[k]]),
  );
  return {
    ...settings,
    kube: {
      serviceName,
      serviceNamespace: namespaceOf(canary),
      servicePort: canary.spec.service.port,
      ...(selector && Object.keys(selector).length ? { selector } : {}),
    },
  };
}

function stringMatcher(name: string, match: StringMatch, at: string): GlooHeaderMatcher {
  if (match.exact !== undefined) return { name, value: match.exact };
  if (match.regex !== undefined) return { name, value: match.regex, regex: true };
  if (match.prefix !== undefined) return { name, value: `${escapeRegex(match.prefix)}.*`, regex: true };
  throw new AviaryError('INVALID_SPEC', `${at}: one of exact, prefix or regex is required`);
}

const GLOO_MATCH_FIELDS = new Set(['headers', 'queryParams', 'method', 'name']);

function matcherOf(condition: HTTPMatchRequest, index: number): GlooMatcher {
  const at = `spec.analysis.match[${index}]`;
  const other = Object.keys(condition).filter((k) => !GLOO_MATCH_FIELDS.has(k));
  if (other.length)
    throw new AviaryError(
      'INVALID_SPEC',
      `${at}: ${other.join(', ')} cannot be matched by the Gloo router — match on headers, queryParams or method`,
    );
  const matcher: GlooMatcher = {};
  const headers = Object.entries(condition.headers ?? {}).map(([n, m]) =>
    stringMatcher(n, suffixAsRegex(m), `${at}.headers.${n}`),
  );
  const query = Object.entries(condition.queryParams ?? {}).map(([n, m]) =>
    stringMatcher(n, m, `${at}.queryParams.${n}`),
  );
  if (headers.length) matcher.headers = headers;
  if (query.length) matcher.queryParameters = query;
  if (condition.method) {
    if (condition.method.exact === undefined)
      throw new AviaryError('INVALID_SPEC', `${at}.method: Gloo matches methods exactly — use method.exact`);
    matcher.methods = [condition.method.exact];
  }
  return matcher;
}

export function buildRouteTableSpec(canary: Canary, routes: Routes): RouteTableSpec {
  const namespace = namespaceOf(canary);
  const names = upstreamNames(canary);
  const ref = (name: string): ResourceRef => ({ name, namespace });
  const weighted: GlooRoute = {
    inheritablePathMatchers: true,
    routeAction: {
      multi: {
        destinations: [
          { destination: { upstream: ref(names.primary) }, weight: routes.primaryWeight },
          { destination: { upstream: ref(names.canary) }, weight: routes.canaryWeight },
        ],
      },
    },
  };
  const match = canary.spec.analysis.match ?? [];
  if (match.length === 0) return { routes: [weighted] };
  return {
    routes: [
      { ...weighted, matchers: match.map(matcherOf) },
      { inheritablePathMatchers: true, routeAction: { single: { upstream: ref(names.primary) } } },
    ],
  };
}

/** The split of the first (weighted) route; undefined when it has no primary destination. */
export function routesOfRouteTable(canary: Canary, spec: RouteTableSpec): Routes | undefined {
  const names = upstreamNames(canary);
  const destinations = spec.routes?.[0]?.routeAction?.multi?.destinations ?? [];
  const weightOf = (name: string) => destinations.find((d) => d.destination.upstream.name === name)?.weight;
  const primary = weightOf(names.primary);
  if (primary === undefined) return undefined;
  return { ...asPercent(primary, weightOf(names.canary) ?? 0), mirrored: false };
}
