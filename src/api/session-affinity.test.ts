import { describe, expect, it } from 'vitest';
import { cookieValue, expiredCookieHeader, sessionCookieHeader } from './session-affinity.js';

describe('session-affinity cookie headers', () => {
  const affinity = {
    path: '/app',
    domain: 'example.com',
    httpOnly: true,
    secure: true,
    sameSite: 'Lax' as const,
  };

  it('pins with every attribute sessionAffinity asks for, for a day unless maxAge says otherwise', () => {
    expect(sessionCookieHeader('canary=c1', affinity)).toBe(
      'canary=c1; Max-Age=86400; Path=/app; Domain=example.com; HttpOnly; Secure; SameSite=Lax',
    );
    expect(sessionCookieHeader('canary=c1', { maxAge: 600 })).toBe('canary=c1; Max-Age=600');
  });

  it('expires a cookie with the Path and Domain it was set with, so the browser really drops it', () => {
    // A browser deletes only the cookie whose name, path and domain match the expiring Set-Cookie.
    expect(expiredCookieHeader('canary=old', affinity)).toBe(
      'canary=old; Max-Age=-1; Path=/app; Domain=example.com',
    );
    expect(expiredCookieHeader('canary=old')).toBe('canary=old; Max-Age=-1');
  });

  it('reads the value out of the <name>=<value> pair the status stores', () => {
    expect(cookieValue('canary', 'canary=abc')).toBe('abc');
    expect(cookieValue('canary', 'abc')).toBe('abc');
  });
});
