/**
 * Builds the HTTPRoute Aviary wants for a Canary and a split, and reads the split back from a live
 * one — pure functions. Shape as Flagger's gatewayapi router: parentRefs = service.gatewayRefs,
 * hostnames = service.hosts; with analysis.match a first rule (analysis matches merged with the service
 * matches) carries the weights and a second keeps everything else on the primary; a blue/green mirror
 * is a RequestMirror filter to the canary; session affinity as in Istio (a cookie rule to the canary,
 * Set-Cookie on the canary backend).
 */
import { serviceNames } from '../../api/defaults.js';
import { parseDuration } from '../../api/duration.js';
import type { Canary, HeaderMatch, HTTPMatchRequest, StringMatch } from '../../api/types.js';
import type { RouteOptions, Routes } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import { MERGED_MATCH_FIELDS, escapeRegex, mergeMatches, suffixAsRegex } from '../shared/match.js';
import {
  GATEWAY_API_GROUP,
  type BackendObjectReference,
  type HTTPBackendRef,
  type HTTPRouteFilter,
  type HTTPRouteMatch,
  type HTTPRouteRule,
  type HTTPRouteSpec,
  type HTTPValueMatch,
  type ParentReference,
} from './types.js';
import { expiredCookieHeader, sessionCookieHeader } from '../../api/session-affinity.js';
import { cookieHeaderRegex } from '../shared/session-cookie.js';
import { corsFilter } from './cors.js';

const ALL_PATHS: HTTPRouteMatch = { path: { type: 'PathPrefix', value: '/' } };

export function buildHTTPRouteSpec(
  canary: Canary,
  routes: Routes,
  options: RouteOptions = {},
): HTTPRouteSpec {
  const { service, analysis } = canary.spec;
  const names = serviceNames(canary.spec);
  const backend = (name: string): BackendObjectReference => ({
    group: '',
    kind: 'Service',
    name,
    port: service.port,
  });
  const weighted = (
    primaryWeight: number,
    canaryWeight: number,
    canaryFilters?: HTTPRouteFilter[],
  ): HTTPBackendRef[] => [
    { ...backend(names.primary), weight: primaryWeight },
    { ...backend(names.canary), weight: canaryWeight, ...(canaryFilters ? { filters: canaryFilters } : {}) },
  ];
  const serviceMatches = toMatches(service.match ?? [], 'service.match');
  const filters = sharedFilters(canary);
  const timeouts = timeoutsOf(canary);
  const rule = (
    matches: HTTPRouteMatch[],
    backendRefs: HTTPBackendRef[],
    extraFilters: HTTPRouteFilter[] = [],
  ): HTTPRouteRule => {
    const all = [...filters, ...extraFilters];
    return {
      matches,
      ...(all.length ? { filters: all } : {}),
      backendRefs,
      ...(timeouts ? { timeouts } : {}),
    };
  };
  const mirror: HTTPRouteFilter[] = routes.mirrored
    ? [
        {
          type: 'RequestMirror',
          requestMirror: {
            backendRef: backend(names.canary),
            // As Flagger: a percent only above 0; without one the whole request stream is copied.
            ...((analysis.mirrorWeight ?? 0) > 0 ? { percent: analysis.mirrorWeight! } : {}),
          },
        },
      ]
    : [];

  const rules: HTTPRouteRule[] = [];
  const affinity = analysis.sessionAffinity;
  if ((analysis.match?.length ?? 0) > 0) {
    const abMatches = toMatches(
      mergeMatches(analysis.match ?? [], service.match ?? [], MERGED_MATCH_FIELDS.gatewayapi),
      'analysis.match',
    );
    rules.push(rule(abMatches, weighted(routes.primaryWeight, routes.canaryWeight), mirror));
    rules.push(rule(serviceMatches, weighted(100, 0)));
  } else if (affinity && options.canaryCookie && routes.canaryWeight > 0) {
    // The status holds the whole `<name>=<value>` cookie; with primaryCookieName a client sent to the
    // primary is pinned there for one analysis interval (Flagger's sticky-primary rule).
    rules.push(rule(withCookie(serviceMatches, options.canaryCookie), weighted(0, 100)));
    const setCookie = responseHeader('Set-Cookie', sessionCookieHeader(options.canaryCookie, affinity));
    const backendRefs = weighted(routes.primaryWeight, routes.canaryWeight, [setCookie]);
    if (affinity.primaryCookieName && options.primaryCookie) {
      rules.push(rule(withCookie(serviceMatches, options.primaryCookie), weighted(100, 0)));
      const seconds = Math.round((parseDuration(analysis.interval ?? '1m') ?? 60_000) / 1000);
      const pin = responseHeader('Set-Cookie', sessionCookieHeader(options.primaryCookie, affinity, seconds));
      backendRefs[0] = { ...backendRefs[0]!, filters: [pin] };
    }
    rules.push(rule(serviceMatches, backendRefs, mirror));
  } else {
    if (affinity && options.previousCookie && routes.canaryWeight === 0) {
      // Clients still holding the last canary's cookie go to the primary and have the cookie expired.
      const expire = responseHeader('Set-Cookie', expiredCookieHeader(options.previousCookie, affinity));
      const backendRefs = weighted(100, 0);
      backendRefs[0] = { ...backendRefs[0]!, filters: [expire] };
      rules.push(rule(withCookie(serviceMatches, options.previousCookie), backendRefs));
    }
    rules.push(rule(serviceMatches, weighted(routes.primaryWeight, routes.canaryWeight), mirror));
  }

  return {
    parentRefs: parentRefsOf(canary),
    ...(service.hosts?.length ? { hostnames: [...service.hosts] } : {}),
    rules,
  };
}

/**
 * The rule holding the split: the first one in an A/B test (the second keeps the rest on the primary),
 * else the last (cookie rules come before it).
 */
export function weightedRule(spec: HTTPRouteSpec, abTesting: boolean): HTTPRouteRule | undefined {
  return abTesting ? spec.rules?.[0] : spec.rules?.[spec.rules.length - 1];
}

export function routesOfHTTPRoute(
  spec: HTTPRouteSpec,
  canaryService: string,
  abTesting: boolean,
): Routes | undefined {
  const rule = weightedRule(spec, abTesting);
  if (!rule) return undefined;
  let canary = 0;
  let primary = 0;
  for (const ref of rule.backendRefs ?? []) {
    // An unset weight is 1 in Gateway API.
    if (ref.name === canaryService) canary += ref.weight ?? 1;
    else primary += ref.weight ?? 1;
  }
  const total = canary + primary;
  const canaryWeight = total > 0 ? Math.round((canary * 100) / total) : 0;
  const mirrored = (rule.filters ?? []).some(
    (f) => f.type === 'RequestMirror' && f.requestMirror.backendRef.name === canaryService,
  );
  return { primaryWeight: 100 - canaryWeight, canaryWeight, mirrored };
}

/** service.gatewayRefs with the defaults the API server would add, so reconciles compare equal. */
export function parentRefsOf(canary: Canary): ParentReference[] {
  const refs = (canary.spec.service.gatewayRefs ?? []) as Partial<ParentReference>[];
  if (refs.length === 0) {
    throw new AviaryError(
      'INVALID_SPEC',
      `service.gatewayRefs is empty: the HTTPRoute for ${canary.metadata.name} would attach to no Gateway — name the Gateway (or, for a mesh, the Service) it serves through`,
    );
  }
  return refs.map((ref, i) => {
    if (!ref.name) throw new AviaryError('INVALID_SPEC', `service.gatewayRefs[${i}].name is required`);
    return {
      group: ref.group ?? GATEWAY_API_GROUP,
      kind: ref.kind ?? 'Gateway',
      ...(ref.namespace ? { namespace: ref.namespace } : {}),
      name: ref.name,
      ...(ref.sectionName ? { sectionName: ref.sectionName } : {}),
      ...(ref.port ? { port: ref.port } : {}),
    };
  });
}

const UNSUPPORTED_MATCH_FIELDS = [
  'scheme',
  'authority',
  'port',
  'sourceLabels',
  'gateways',
  'withoutHeaders',
  'sourceNamespace',
  'ignoreUriCase',
] as const;

/** Istio HTTPMatchRequests as Gateway API matches; what an HTTPRoute cannot express is refused. */
export function toMatches(matches: HTTPMatchRequest[], field: string): HTTPRouteMatch[] {
  if (matches.length === 0) return [ALL_PATHS];
  return matches.map((m, i) => {
    const at = `${field}[${i}]`;
    const unsupported = UNSUPPORTED_MATCH_FIELDS.filter((k) => m[k] !== undefined);
    if (unsupported.length)
      throw new AviaryError(
        'INVALID_SPEC',
        `${at}: ${unsupported.join(', ')} cannot be expressed in a Gateway API HTTPRoute match — use uri, method, headers or queryParams`,
      );
    const out: HTTPRouteMatch = { path: pathMatch(m.uri, `${at}.uri`) };
    if (m.headers && Object.keys(m.headers).length) out.headers = valueMatches(m.headers, `${at}.headers`);
    if (m.queryParams && Object.keys(m.queryParams).length)
      out.queryParams = valueMatches(m.queryParams, `${at}.queryParams`);
    if (m.method) {
      if (!m.method.exact)
        throw new AviaryError('INVALID_SPEC', `${at}.method: Gateway API matches a method exactly`);
      out.method = m.method.exact.toUpperCase();
    }
    return out;
  });
}

function pathMatch(uri: StringMatch | undefined, at: string): HTTPRouteMatch['path'] {
  if (!uri) return ALL_PATHS.path;
  if (uri.exact !== undefined) return { type: 'Exact', value: uri.exact };
  if (uri.prefix !== undefined) return { type: 'PathPrefix', value: uri.prefix };
  if (uri.regex !== undefined) return { type: 'RegularExpression', value: uri.regex };
  throw new AviaryError('INVALID_SPEC', `${at}: one of exact, prefix or regex is required`);
}

function valueMatches(map: Record<string, HeaderMatch>, at: string): HTTPValueMatch[] {
  return Object.keys(map)
    .sort()
    .map((name) => {
      const m = suffixAsRegex(map[name]!);
      if (m.exact !== undefined) return { type: 'Exact', name, value: m.exact };
      if (m.regex !== undefined) return { type: 'RegularExpression', name, value: m.regex };
      // Gateway API has no prefix match for headers or query parameters: the equivalent expression.
      if (m.prefix !== undefined)
        return { type: 'RegularExpression', name, value: `^${escapeRegex(m.prefix)}.*` };
      throw new AviaryError('INVALID_SPEC', `${at}.${name}: one of exact, prefix or regex is required`);
    });
}

function withCookie(matches: HTTPRouteMatch[], cookie: string): HTTPRouteMatch[] {
  const header: HTTPValueMatch = {
    type: 'RegularExpression',
    name: 'Cookie',
    value: cookieHeaderRegex(cookie),
  };
  return matches.map((m) => ({ ...m, headers: [...(m.headers ?? []), header] }));
}

function responseHeader(name: string, value: string): HTTPRouteFilter {
  return { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name, value }] } };
}

const headerList = (map: Record<string, string> | undefined) =>
  Object.keys(map ?? {})
    .sort()
    .map((name) => ({ name, value: map![name]! }));

/** service.headers, service.rewrite and service.mirror as rule filters (sorted, as Flagger writes them). */
function sharedFilters(canary: Canary): HTTPRouteFilter[] {
  const { service } = canary.spec;
  const filters: HTTPRouteFilter[] = [];
  const modifier = (ops: {
    set?: Record<string, string>;
    add?: Record<string, string>;
    remove?: string[];
  }) => ({
    ...(ops.set && Object.keys(ops.set).length ? { set: headerList(ops.set) } : {}),
    ...(ops.add && Object.keys(ops.add).length ? { add: headerList(ops.add) } : {}),
    ...(ops.remove?.length ? { remove: [...ops.remove].sort() } : {}),
  });
  if (service.headers?.request)
    filters.push({ type: 'RequestHeaderModifier', requestHeaderModifier: modifier(service.headers.request) });
  if (service.headers?.response)
    filters.push({
      type: 'ResponseHeaderModifier',
      responseHeaderModifier: modifier(service.headers.response),
    });
  if (service.rewrite && (service.rewrite.uri || service.rewrite.authority)) {
    const { uri, authority, type } = service.rewrite;
    filters.push({
      type: 'URLRewrite',
      urlRewrite: {
        ...(authority ? { hostname: authority } : {}),
        ...(uri
          ? {
              path:
                type === 'ReplacePrefixMatch'
                  ? { type: 'ReplacePrefixMatch' as const, replacePrefixMatch: uri }
                  : { type: 'ReplaceFullPath' as const, replaceFullPath: uri },
            }
          : {}),
      },
    });
  }
  const cors = corsFilter(canary);
  if (cors) filters.push({ type: 'CORS', cors });
  for (const [i, m] of (service.mirror ?? []).entries()) {
    const mirror = m as { backendRef?: Partial<BackendObjectReference>; percent?: number };
    const ref = mirror.backendRef;
    if (!ref?.name || !ref.port)
      throw new AviaryError('INVALID_SPEC', `service.mirror[${i}].backendRef needs a name and a port`);
    filters.push({
      type: 'RequestMirror',
      requestMirror: {
        backendRef: {
          group: ref.group ?? '',
          kind: ref.kind ?? 'Service',
          name: ref.name,
          ...(ref.namespace ? { namespace: ref.namespace } : {}),
          port: ref.port,
        },
        ...(mirror.percent !== undefined ? { percent: mirror.percent } : {}),
      },
    });
  }
  return filters;
}

function timeoutsOf(canary: Canary): HTTPRouteRule['timeouts'] {
  const { timeout, backendTimeout } = canary.spec.service;
  if (!timeout && !backendTimeout) return undefined;
  return {
    ...(timeout ? { request: timeout } : {}),
    ...(backendTimeout ? { backendRequest: backendTimeout } : {}),
  };
}
