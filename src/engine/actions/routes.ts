/**
 * Traffic changes are verified by the router: `setRoutes` reads back what the routing layer holds and
 * throws ROUTE_NOT_APPLIED when it is not what was asked (test/routers/contract.ts holds every router to
 * it). Here that error becomes a failed `traffic-routing` check with the router's words, never a silent
 * step; any other error ends the tick. The status records the split as read back from the router.
 */
import type { CheckResult } from '../../api/types.js';
import { AviaryError } from '../../errors.js';
import type { RouteOptions, Routes } from '../ports.js';
import type { Tick } from '../tick.js';

export type RouteOutcome =
  { applied: true; routes: Routes } | { applied: false; routes: Routes; check: CheckResult };

/**
 * The cookies the router writes. With no traffic on the canary the current canary cookie is expired
 * (Flagger moves it to the previous one): at promotion or rollback clients pinned to it go back to the
 * primary and drop it.
 */
export function routeOptions(tick: Tick, routes: Routes): RouteOptions | undefined {
  if (!tick.analysis.sessionAffinity) return undefined;
  const current = tick.status.sessionAffinityCookie;
  const previous =
    routes.canaryWeight === 0
      ? (current ?? tick.status.previousSessionAffinityCookie)
      : tick.status.previousSessionAffinityCookie;
  const primary = tick.status.primarySessionAffinityCookie;
  return {
    ...(current ? { canaryCookie: current } : {}),
    ...(previous ? { previousCookie: previous } : {}),
    ...(primary ? { primaryCookie: primary } : {}),
  };
}

export async function applyRoutes(
  tick: Tick,
  routes: Routes,
  options = routeOptions(tick, routes),
): Promise<RouteOutcome> {
  const { router } = tick.ports;
  try {
    await router.setRoutes(tick.canary, routes, options);
  } catch (err) {
    if (!(err instanceof AviaryError) || err.code !== 'ROUTE_NOT_APPLIED') throw err;
    await tick.event('Warning', `${err.message} for ${tick.name}`);
    const check: CheckResult = { name: 'traffic-routing', decision: 'fail', message: err.message };
    return { applied: false, routes: await router.getRoutes(tick.canary), check };
  }
  return { applied: true, routes: await router.getRoutes(tick.canary) };
}

/** Status fields after a step that did not apply: one more failed check, weights as the router holds them. */
export function routeFailurePatch(tick: Tick, outcome: RouteOutcome & { applied: false }) {
  return {
    failedChecks: (tick.status.failedChecks ?? 0) + 1,
    canaryWeight: outcome.routes.canaryWeight,
    mirrored: outcome.routes.mirrored,
    lastChecks: [outcome.check],
  };
}
