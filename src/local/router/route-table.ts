/**
 * One immutable routing decision table, built when routes change and swapped in atomically, so a request
 * is routed either entirely by the old table or entirely by the new one.
 */
import type { IncomingMessage } from 'node:http';
import { AviaryError } from '../../errors.js';
import { cookieMaxAge, expiredCookieHeader, sessionCookieHeader } from '../../api/session-affinity.js';
import { hasCookie } from './cookies.js';
import { compileMatches, type RequestMatcher } from './match.js';
import type { ProxyRoutes, Version } from './types.js';
import { SmoothWeightedRoundRobin } from './weighted-round-robin.js';

export interface RouteDecision {
  version: Version;
  /** Set-Cookie values to add to the response. */
  setCookies: string[];
  mirror: boolean;
}

function checkWeight(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 100) {
    throw new AviaryError('INVALID_SPEC', `${name} must be an integer from 0 to 100, got ${value}`);
  }
}

export function validateRoutes(routes: ProxyRoutes): void {
  checkWeight('primaryWeight', routes.primaryWeight);
  checkWeight('canaryWeight', routes.canaryWeight);
  if (routes.primaryWeight + routes.canaryWeight !== 100) {
    throw new AviaryError(
      'INVALID_SPEC',
      `weights must add up to 100, got primary ${routes.primaryWeight} + canary ${routes.canaryWeight}`,
    );
  }
  if (routes.mirrorPercent !== undefined) checkWeight('mirrorPercent', routes.mirrorPercent);
  if (routes.affinity && routes.affinity.cookieName.length === 0) {
    throw new AviaryError('INVALID_SPEC', 'session affinity needs a cookie name');
  }
}

export class RouteTable {
  private readonly split: SmoothWeightedRoundRobin<Version>;
  private readonly mirrorPick: SmoothWeightedRoundRobin<'copy' | 'skip'> | undefined;
  private readonly matcher: RequestMatcher | undefined;
  private readonly canaryCookie: string | undefined;
  private readonly expirePrevious: string | undefined;

  constructor(readonly routes: Readonly<ProxyRoutes>) {
    validateRoutes(routes);
    this.split = new SmoothWeightedRoundRobin({ primary: routes.primaryWeight, canary: routes.canaryWeight });
    const mirrorPercent = routes.mirrorPercent ?? 100;
    this.mirrorPick =
      routes.mirrored && mirrorPercent > 0
        ? new SmoothWeightedRoundRobin({ copy: mirrorPercent, skip: 100 - mirrorPercent })
        : undefined;
    this.matcher = routes.match && routes.match.length > 0 ? compileMatches(routes.match) : undefined;
    const affinity = routes.affinity;
    if (affinity) {
      const attributes = affinity.attributes ?? {};
      this.canaryCookie = sessionCookieHeader(
        `${affinity.cookieName}=${affinity.canaryValue}`,
        attributes,
        cookieMaxAge(attributes),
      );
      if (affinity.previousValue !== undefined) {
        this.expirePrevious = expiredCookieHeader(
          `${affinity.cookieName}=${affinity.previousValue}`,
          attributes,
        );
      }
    }
  }

  decide(req: IncomingMessage): RouteDecision {
    const { affinity, canaryWeight } = this.routes;
    if (affinity) {
      if (canaryWeight > 0 && hasCookie(req, affinity.cookieName, affinity.canaryValue)) {
        return { version: 'canary', setCookies: [], mirror: false };
      }
      if (
        affinity.previousValue !== undefined &&
        hasCookie(req, affinity.cookieName, affinity.previousValue)
      ) {
        return this.primary([this.expirePrevious!]);
      }
    }
    if (this.matcher && !this.matcher(req)) return this.primary([]);
    const version = this.split.next();
    if (version === 'primary') return this.primary([]);
    return { version, setCookies: this.canaryCookie ? [this.canaryCookie] : [], mirror: false };
  }

  private primary(setCookies: string[]): RouteDecision {
    return { version: 'primary', setCookies, mirror: this.mirrorPick?.next() === 'copy' };
  }
}
