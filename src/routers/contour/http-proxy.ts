/**
 * Builds the HTTPProxy for a Canary and a split, and reads the split back — pure functions. As
 * Flagger's contour router: a non-root HTTPProxy `<apex>` (a root proxy of the user's includes it) with
 * a route on `service.match[0].uri.prefix` (or `/`) to `<apex>-primary` / `<apex>-canary`, each with the
 * `l5d-dst-override` header so a Linkerd mesh behind Contour keeps the split; service.timeout as
 * timeoutPolicy (idle 5m), service.retries as retryPolicy. With analysis.match, header/query conditions
 * route first (one route per match entry: entries are alternatives) and the rest stays on the primary.
 */
import { serviceNames, namespaceOf } from '../../api/defaults.js';
import type { Canary, HTTPMatchRequest, StringMatch } from '../../api/types.js';
import type { Routes } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import { escapeRegex, suffixAsRegex } from '../shared/match.js';
import type { ContourRoute, ContourService, HTTPProxySpec, MatchCondition, RetryPolicy } from './types.js';

/** Contour's RetryOn enum. */
const RETRY_ON = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
]);

export interface HTTPProxyOptions {
  /** `spec.ingressClassName` (Flagger's -ingress-class flag). */
  ingressClass?: string;
}

export function buildHTTPProxySpec(
  canary: Canary,
  routes: Routes,
  options: HTTPProxyOptions = {},
): HTTPProxySpec {
  const { service, analysis } = canary.spec;
  const names = serviceNames(canary.spec);
  const namespace = namespaceOf(canary);
  const prefix = service.match?.[0]?.uri?.prefix ?? '/';
  const backend = (name: string, weight: number): ContourService => ({
    name,
    port: service.port,
    weight,
    requestHeadersPolicy: {
      set: [{ name: 'l5d-dst-override', value: `${name}.${namespace}.svc.cluster.local:${service.port}` }],
    },
  });
  const timeoutPolicy = service.timeout ? { response: service.timeout, idle: '5m' } : undefined;
  const retryPolicy = retryPolicyOf(canary);
  const route = (
    conditions: MatchCondition[],
    primaryWeight: number,
    canaryWeight: number,
  ): ContourRoute => ({
    conditions,
    ...(timeoutPolicy ? { timeoutPolicy } : {}),
    ...(retryPolicy ? { retryPolicy } : {}),
    services: [backend(names.primary, primaryWeight), backend(names.canary, canaryWeight)],
  });

  const abMatches = analysis.match ?? [];
  const spec: HTTPProxySpec = {
    routes: abMatches.length
      ? [
          ...abMatches.map((m, i) =>
            route(
              [{ prefix }, ...conditionsOf(m, `analysis.match[${i}]`)],
              routes.primaryWeight,
              routes.canaryWeight,
            ),
          ),
          route([{ prefix }], 100, 0),
        ]
      : [route([{ prefix }], routes.primaryWeight, routes.canaryWeight)],
  };
  if (options.ingressClass) spec.ingressClassName = options.ingressClass;
  return spec;
}

/** The split of the first route (the A/B route when there is one). Mirror services carry no weight. */
export function routesOfHTTPProxy(spec: HTTPProxySpec, canaryService: string): Routes | undefined {
  const services = (spec.routes?.[0]?.services ?? []).filter((s) => !s.mirror);
  if (services.length === 0) return undefined;
  const weighted = services.some((s) => (s.weight ?? 0) > 0);
  // Contour splits evenly between services when none has a weight.
  const share = (s: ContourService) => (weighted ? (s.weight ?? 0) : 1);
  const total = services.reduce((sum, s) => sum + share(s), 0);
  const canary = services.filter((s) => s.name === canaryService).reduce((sum, s) => sum + share(s), 0);
  const canaryWeight = Math.round((canary * 100) / total);
  return { primaryWeight: 100 - canaryWeight, canaryWeight, mirrored: false };
}

function conditionsOf(m: HTTPMatchRequest, at: string): MatchCondition[] {
  const other = Object.keys(m).filter((k) => k !== 'headers' && k !== 'queryParams' && k !== 'name');
  if (other.length)
    throw new AviaryError(
      'INVALID_SPEC',
      `${at}: ${other.join(', ')} cannot be matched by the contour router — A/B tests on Contour match headers or queryParams`,
    );
  const conditions: MatchCondition[] = [];
  for (const name of Object.keys(m.headers ?? {}).sort())
    conditions.push({
      header: { name, ...valueMatch(suffixAsRegex(m.headers![name]!), `${at}.headers.${name}`, false) },
    });
  for (const name of Object.keys(m.queryParams ?? {}).sort())
    conditions.push({
      queryParameter: { name, ...valueMatch(m.queryParams![name]!, `${at}.queryParams.${name}`, true) },
    });
  if (conditions.length === 0)
    throw new AviaryError('INVALID_SPEC', `${at}: needs at least one header or query parameter to match`);
  return conditions;
}

/**
 * Contour headers match exact or regex (no prefix or suffix: their regex equivalents); query parameters also
 * prefix. Flagger sends a suffix as `contains`, which also matches the text anywhere else in the value.
 */
function valueMatch(
  m: StringMatch,
  at: string,
  hasPrefix: boolean,
): { exact?: string; prefix?: string; regex?: string } {
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.regex !== undefined) return { regex: m.regex };
  if (m.prefix !== undefined)
    return hasPrefix ? { prefix: m.prefix } : { regex: `^${escapeRegex(m.prefix)}.*` };
  throw new AviaryError('INVALID_SPEC', `${at}: one of exact, prefix or regex is required`);
}

/** service.retries (Istio's shape) as Contour's retryPolicy; retryOn values Contour lacks are refused. */
function retryPolicyOf(canary: Canary): RetryPolicy | undefined {
  const retries = canary.spec.service.retries;
  if (!retries) return undefined;
  const policy: RetryPolicy = {};
  // Written even when unset (Contour defaults it to 1) so reconciles compare equal with a defaulting server.
  policy.count = retries.attempts ?? 1;
  if (retries.perTryTimeout) policy.perTryTimeout = retries.perTryTimeout;
  const on = (retries.retryOn ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const codes = on.filter((s) => /^[0-9]{3}$/.test(s)).map(Number);
  const conditions = on.filter((s) => !/^[0-9]{3}$/.test(s));
  const unknown = conditions.filter((s) => !RETRY_ON.has(s));
  if (unknown.length)
    throw new AviaryError(
      'INVALID_SPEC',
      `service.retries.retryOn: ${unknown.join(', ')} is not a Contour retry condition (one of ${[...RETRY_ON].join(', ')}, or HTTP status codes)`,
    );
  if (codes.length && !conditions.includes('retriable-status-codes'))
    conditions.push('retriable-status-codes');
  if (conditions.length) policy.retryOn = conditions;
  if (codes.length) policy.retriableStatusCodes = codes;
  return policy;
}
