import type { Canary, SessionAffinity } from '../../api/types.js';
import type { RouteOptions } from '../../engine/ports.js';
import { escapeRegex } from './match.js';

/** Flagger's default: an unset or zero maxAge keeps the cookie for a day (a Max-Age of 0 would delete it). */
export const DEFAULT_COOKIE_MAX_AGE_SECONDS = 86_400;

export function cookieMaxAge(affinity: SessionAffinity): number {
  return affinity.maxAge || DEFAULT_COOKIE_MAX_AGE_SECONDS;
}

/**
 * The Set-Cookie value that pins a client, with the attributes sessionAffinity asks for. `cookie` is the
 * whole `<name>=<value>` pair as the status stores it (status.sessionAffinityCookie).
 */
export function sessionCookieHeader(
  cookie: string,
  affinity: SessionAffinity,
  maxAge = cookieMaxAge(affinity),
): string {
  const parts = [cookie, `Max-Age=${maxAge}`];
  if (affinity.path) parts.push(`Path=${affinity.path}`);
  if (affinity.domain) parts.push(`Domain=${affinity.domain}`);
  if (affinity.httpOnly) parts.push('HttpOnly');
  if (affinity.secure) parts.push('Secure');
  if (affinity.sameSite) parts.push(`SameSite=${affinity.sameSite}`);
  if (affinity.partitioned) parts.push('Partitioned');
  return parts.join('; ');
}

/** Set-Cookie that makes the client drop a cookie (a previous canary's, at promotion or rollback). */
export function expiredCookieHeader(cookie: string): string {
  return `${cookie}; Max-Age=-1`;
}

/** A regular expression for a Cookie request header that carries `cookie` (`<name>=<value>`). */
export function cookieHeaderRegex(cookie: string): string {
  return `.*${escapeRegex(cookie)}.*`;
}

/** The cookies the status holds, for a reconcile that rewrites a routing object outside setRoutes. */
export function cookiesOf(canary: Canary): RouteOptions {
  const status = canary.status ?? {};
  return {
    ...(status.sessionAffinityCookie ? { canaryCookie: status.sessionAffinityCookie } : {}),
    ...(status.previousSessionAffinityCookie ? { previousCookie: status.previousSessionAffinityCookie } : {}),
    ...(status.primarySessionAffinityCookie ? { primaryCookie: status.primarySessionAffinityCookie } : {}),
  };
}
