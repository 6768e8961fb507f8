/**
 * Istio HTTPMatchRequest semantics for the local router: conditions inside one match are ANDed, the
 * matches of a list are ORed. StringMatch regexes match the whole value (Istio uses RE2 full match),
 * header names are case-insensitive, a cookie is matched through the `cookie` header (Flagger's A/B docs).
 */
import type { IncomingMessage } from 'node:http';
import type { HeaderMatch, HTTPMatchRequest } from '../../api/types.js';
import { AviaryError } from '../../errors.js';

type Matcher = (value: string | undefined) => boolean;

export type RequestMatcher = (req: IncomingMessage) => boolean;

/** A StringMatch, or a header's, which may also be a suffix. */
function compileString(match: HeaderMatch, where: string, ignoreCase = false): Matcher {
  const set = [match.exact, match.prefix, match.suffix, match.regex].filter((v) => v !== undefined).length;
  if (set !== 1)
    throw new AviaryError('INVALID_SPEC', `${where}: set exactly one of exact, prefix, suffix, regex`);
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  if (match.exact !== undefined) {
    const exact = fold(match.exact);
    return (v) => v !== undefined && fold(v) === exact;
  }
  if (match.prefix !== undefined) {
    const prefix = fold(match.prefix);
    return (v) => v !== undefined && fold(v).startsWith(prefix);
  }
  if (match.suffix !== undefined) {
    const suffix = fold(match.suffix);
    return (v) => v !== undefined && fold(v).endsWith(suffix);
  }
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${match.regex})$`, ignoreCase ? 'is' : 's');
  } catch (err) {
    throw new AviaryError(
      'INVALID_SPEC',
      `${where}: invalid regex ${JSON.stringify(match.regex)}: ${String(err)}`,
    );
  }
  return (v) => v !== undefined && re.test(v);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function queryParam(req: IncomingMessage, name: string): string | undefined {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  if (q === -1) return undefined;
  return new URLSearchParams(url.slice(q + 1)).get(name) ?? undefined;
}

/** Fields the local router cannot judge (they name mesh workloads or gateways) are refused, never ignored. */
const UNSUPPORTED: (keyof HTTPMatchRequest)[] = ['sourceLabels', 'gateways', 'sourceNamespace'];

function compileOne(m: HTTPMatchRequest, where: string): RequestMatcher {
  for (const field of UNSUPPORTED) {
    if (m[field] !== undefined) {
      throw new AviaryError(
        'INVALID_SPEC',
        `${where}.${field}: the local router has no mesh workloads to match on; remove it`,
      );
    }
  }
  const checks: RequestMatcher[] = [];
  if (m.uri) {
    const f = compileString(m.uri, `${where}.uri`, m.ignoreUriCase === true);
    checks.push((req) => f(pathOf(req)));
  }
  if (m.method) {
    const f = compileString(m.method, `${where}.method`);
    checks.push((req) => f(req.method));
  }
  if (m.scheme) {
    const f = compileString(m.scheme, `${where}.scheme`);
    checks.push((req) => f(headerValue(req, 'x-forwarded-proto') ?? 'http'));
  }
  if (m.authority) {
    const f = compileString(m.authority, `${where}.authority`);
    checks.push((req) => f(req.headers.host));
  }
  if (m.port !== undefined) {
    const port = m.port;
    checks.push((req) => req.socket.localPort === port);
  }
  for (const [name, sm] of Object.entries(m.headers ?? {})) {
    const key = name.toLowerCase();
    const f = compileString(sm, `${where}.headers.${name}`);
    checks.push((req) => f(headerValue(req, key)));
  }
  for (const [name, sm] of Object.entries(m.withoutHeaders ?? {})) {
    const key = name.toLowerCase();
    const f = compileString(sm, `${where}.withoutHeaders.${name}`);
    checks.push((req) => !f(headerValue(req, key)));
  }
  for (const [name, sm] of Object.entries(m.queryParams ?? {})) {
    const f = compileString(sm, `${where}.queryParams.${name}`);
    checks.push((req) => f(queryParam(req, name)));
  }
  return (req) => checks.every((check) => check(req));
}

/** Compiles a match list once (when routes change), so the per-request cost is a few string tests. */
export function compileMatches(
  matches: readonly HTTPMatchRequest[],
  where = 'analysis.match',
): RequestMatcher {
  const compiled = matches.map((m, i) => compileOne(m, `${where}[${i}]`));
  return (req) => compiled.some((f) => f(req));
}
