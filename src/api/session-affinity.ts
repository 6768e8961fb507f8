/**
 * The session-affinity cookie as every router writes it (Istio and Gateway API in a routing object, the
 * local proxy on each response): one Set-Cookie grammar, one default lifetime, one way to read the
 * `<name>=<value>` pair the status stores (status.sessionAffinityCookie).
 */
import type { SessionAffinity } from './types.js';

/** Flagger's default: an unset or zero maxAge keeps the cookie for a day (a Max-Age of 0 would delete it). */
export const DEFAULT_COOKIE_MAX_AGE_SECONDS = 86_400;

/** The Set-Cookie attributes sessionAffinity can ask for. */
export type CookieAttributes = Pick<
  SessionAffinity,
  'maxAge' | 'path' | 'domain' | 'httpOnly' | 'secure' | 'sameSite' | 'partitioned'
>;

export function cookieMaxAge(affinity: CookieAttributes): number {
  return affinity.maxAge || DEFAULT_COOKIE_MAX_AGE_SECONDS;
}

/** The cookie attributes of a sessionAffinity block, without its cookie names. */
export function cookieAttributes(affinity: SessionAffinity): CookieAttributes {
  const { cookieName: _name, primaryCookieName: _primary, ...attributes } = affinity;
  return attributes;
}

/**
 * The Set-Cookie value that pins a client. `cookie` is the whole `<name>=<value>` pair as the status
 * stores it; Max-Age defaults to a day.
 */
export function sessionCookieHeader(
  cookie: string,
  attributes: CookieAttributes,
  maxAge = cookieMaxAge(attributes),
): string {
  const parts = [cookie, `Max-Age=${maxAge}`];
  if (attributes.path) parts.push(`Path=${attributes.path}`);
  if (attributes.domain) parts.push(`Domain=${attributes.domain}`);
  if (attributes.httpOnly) parts.push('HttpOnly');
  if (attributes.secure) parts.push('Secure');
  if (attributes.sameSite) parts.push(`SameSite=${attributes.sameSite}`);
  if (attributes.partitioned) parts.push('Partitioned');
  return parts.join('; ');
}

/**
 * Set-Cookie that makes the client drop a cookie (a previous canary's, at promotion or rollback). It keeps
 * Path and Domain: a browser deletes only the cookie whose name, path and domain all match, so an
 * expiry without them would leave a cookie set with `Path=/app` in place.
 */
export function expiredCookieHeader(cookie: string, attributes: CookieAttributes = {}): string {
  const parts = [cookie, 'Max-Age=-1'];
  if (attributes.path) parts.push(`Path=${attributes.path}`);
  if (attributes.domain) parts.push(`Domain=${attributes.domain}`);
  return parts.join('; ');
}

/** The value of a `<cookieName>=<value>` pair (status.sessionAffinityCookie); a bare value is returned as is. */
export function cookieValue(cookieName: string, cookie: string): string {
  return cookie.startsWith(`${cookieName}=`) ? cookie.slice(cookieName.length + 1) : cookie;
}
