/** Cookie helpers for session affinity (RFC 6265 `cookie` header, `Set-Cookie` attributes). */
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

export interface CookieAttributes {
  maxAge?: number;
  path?: string;
  domain?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
  partitioned?: boolean;
}

export function serializeCookie(name: string, value: string, attrs: CookieAttributes = {}): string {
  const parts = [`${name}=${value}`];
  if (attrs.maxAge !== undefined) parts.push(`Max-Age=${attrs.maxAge}`);
  if (attrs.domain) parts.push(`Domain=${attrs.domain}`);
  if (attrs.path) parts.push(`Path=${attrs.path}`);
  if (attrs.httpOnly) parts.push('HttpOnly');
  if (attrs.secure) parts.push('Secure');
  if (attrs.sameSite) parts.push(`SameSite=${attrs.sameSite}`);
  if (attrs.partitioned) parts.push('Partitioned');
  return parts.join('; ');
}
