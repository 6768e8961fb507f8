/**
 * Traffic changes are verified: the router is the source of truth, so after every change the engine reads
 * the routes back, and a router that does not hold what was asked is a failed step, never a silent one.
 */
import type { CheckResult } from '../../api/types.js';
import { messages } from '../messages.js';
import type { RouteOptions, Routes } from '../ports.js';
import type { Tick } from '../tick.js';

export type RouteOutcome =
  { applied: true; routes: Routes } | { applied: false; routes: Routes; check: CheckResult };

export const ALL_TO_PRIMARY: Routes = { primaryWeight: 100, canaryWeight: 0, mirrored: false };
export const ALL_TO_CANARY: Routes = { primaryWeight: 0, canaryWeight: 100, mirrored: false };

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
  await router.setRoutes(tick.canary, routes, options);
  const held = await router.getRoutes(tick.canary);
  // Mirroring is not compared: most routers cannot mirror and report it off (as in Flagger).
  if (held.canaryWeight === routes.canaryWeight && held.primaryWeight === routes.primaryWeight) {
    return { applied: true, routes: held };
  }
  const message = messages.routeNotApplied(routes, held);
  await tick.event('Warning', `${message} for ${tick.name}`);
  return { applied: false, routes: held, check: { name: 'traffic-routing', decision: 'fail', message } };
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
