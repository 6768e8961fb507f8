/** Header rewriting of a forwarding proxy: hop-by-hop headers stay on their hop (RFC 9110 §7.6.1). */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Extra headers named by `Connection: a, b` are hop-by-hop too. */
function connectionTokens(connection: string | string[] | undefined): Set<string> | undefined {
  if (!connection) return undefined;
  // The common values name no header (or only keep-alive, dropped anyway): skip the split on every exchange.
  if (connection === 'keep-alive' || connection === 'close') return undefined;
  const text = Array.isArray(connection) ? connection.join(',') : connection;
  const tokens = text
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t.length > 0);
  return tokens.length > 0 ? new Set(tokens) : undefined;
}

/**
 * Request headers for the upstream: end-to-end headers plus X-Forwarded-For/-Proto/-Host.
 * `sender` is what sends them: undici refuses `expect` (Node's server already answered the client's
 * 100-continue, so it is spent anyway) and chunks a body of unknown length by itself, whereas
 * `http.request` must be told to.
 */
export function upstreamRequestHeaders(
  req: IncomingMessage,
  sender: 'node' | 'undici' = 'node',
): OutgoingHttpHeaders {
  const incoming: IncomingHttpHeaders = req.headers;
  const extra = connectionTokens(incoming.connection);
  const undici = sender === 'undici';
  const out: OutgoingHttpHeaders = {};
  for (const name in incoming) {
    if (HOP_BY_HOP.has(name) || extra?.has(name) || (undici && name === 'expect')) continue;
    out[name] = incoming[name];
  }
  const client = req.socket.remoteAddress ?? 'unknown';
  const prior = incoming['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${client}` : client;
  out['x-forwarded-proto'] = incoming['x-forwarded-proto'] ?? 'http';
  const host = incoming['x-forwarded-host'] ?? incoming.host;
  if (host !== undefined) out['x-forwarded-host'] = host;
  // The body was de-chunked by Node on the way in; keep it chunked on the way out when its length is unknown.
  if (!undici && incoming['transfer-encoding'] !== undefined && incoming['content-length'] === undefined) {
    out['transfer-encoding'] = 'chunked';
  }
  return out;
}

/**
 * Response headers for the client as a flat [name, value, ...] list: keeps the upstream's spelling and
 * repeated headers (Set-Cookie) and drops hop-by-hop ones.
 */
export function clientResponseHeaders(
  rawHeaders: readonly string[],
  extraSetCookies: readonly string[],
): string[] {
  let extra: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === 'connection') extra = connectionTokens(rawHeaders[i + 1]);
  }
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || extra?.has(lower)) continue;
    out.push(name, rawHeaders[i + 1]!);
  }
  for (const cookie of extraSetCookies) out.push('Set-Cookie', cookie);
  return out;
}
