import type { Canary } from '../../api/types.js';
import type { RouteOptions } from '../../engine/ports.js';
import { escapeRegex } from './match.js';

// The Set-Cookie grammar itself is src/api/session-affinity.ts (the local proxy writes the same headers).

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
