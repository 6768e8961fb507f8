import type { SessionAffinity } from '../../api/types.js';

/** The Set-Cookie value that pins a client to the canary, with the attributes sessionAffinity asks for. */
export function sessionCookieHeader(cookie: string, affinity: SessionAffinity): string {
  const parts = [cookie, `Max-Age=${affinity.maxAge ?? 86400}`];
  if (affinity.path) parts.push(`Path=${affinity.path}`);
  if (affinity.domain) parts.push(`Domain=${affinity.domain}`);
  if (affinity.httpOnly) parts.push('HttpOnly');
  if (affinity.secure) parts.push('Secure');
  if (affinity.sameSite) parts.push(`SameSite=${affinity.sameSite}`);
  if (affinity.partitioned) parts.push('Partitioned');
  return parts.join('; ');
}
