/** Reads the session-affinity cookie from a request (RFC 6265 `cookie` header); Set-Cookie is src/api/session-affinity.ts. */
import type { IncomingMessage } from 'node:http';

/** True when the request's cookie header carries exactly `name=value`. */
export function hasCookie(req: IncomingMessage, name: string, value: string): boolean {
  const header = req.headers.cookie;
  if (!header) return false;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name && part.slice(eq + 1).trim() === value) return true;
  }
  return false;
}
