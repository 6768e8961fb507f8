/**
 * Promoting: the primary rolls out the new version while the canary keeps its traffic; once the primary
 * is ready, traffic moves back to it (at once, or stepWeightPromotion per interval). Finalising: scale the
 * canary down and declare success.
 */
import type { CanaryStatus } from '../../api/types.js';
import { TOTAL_WEIGHT } from '../../api/defaults.js';
import { skipAnalysis, succeed } from '../actions/promote.js';
import { judgeReadiness } from '../actions/readiness.js';
import { failPromotion } from '../actions/rollback.js';
import { applyRoutes, routeFailurePatch } from '../actions/routes.js';
import { messages } from '../messages.js';
import { retireCookies } from '../revision.js';
import { ALL_TO_PRIMARY, type Routes } from '../ports.js';
import type { Tick } from '../tick.js';

/** The primary must be ready before traffic moves to it; if it never gets there, promotion failed. */
async function whenPrimaryReady(tick: Tick, then: () => Promise<CanaryStatus>): Promise<CanaryStatus> {
  if (tick.canary.spec.skipAnalysis) return skipAnalysis(tick);
  const primary = judgeReadiness(tick, await tick.ports.target.primaryReadiness(tick.canary));
  if (primary.kind === 'deadline') return failPromotion(tick, primary.reason);
  if (primary.kind === 'waiting') {
    await tick.event('Warning', messages.notReady(tick.name, `primary not ready: ${primary.reason}`));
    return tick.stay({ progressStartedAt: primary.since });
  }
  return then();
}

function towardsPrimary(tick: Tick, routes: Routes): Routes {
  const step = tick.analysis.stepWeightPromotion ?? 0;
  if (step <= 0 || routes.canaryWeight <= 0) return ALL_TO_PRIMARY;
  const primaryWeight = Math.min(TOTAL_WEIGHT, routes.primaryWeight + step);
  return { primaryWeight, canaryWeight: TOTAL_WEIGHT - primaryWeight, mirrored: false };
}

export function promoting(tick: Tick): Promise<CanaryStatus> {
  return whenPrimaryReady(tick, async () => {
    const routes = await tick.ports.router.getRoutes(tick.canary);
    const outcome = await applyRoutes(tick, towardsPrimary(tick, routes));
    if (!outcome.applied) return tick.stay(routeFailurePatch(tick, outcome));
    const weights = {
      canaryWeight: outcome.routes.canaryWeight,
      mirrored: false,
      progressStartedAt: undefined,
    };
    if (outcome.routes.primaryWeight < TOTAL_WEIGHT) {
      await tick.event('Normal', messages.advancePrimary(tick.name, outcome.routes.primaryWeight));
      return tick.stay(weights);
    }
    await tick.event('Normal', messages.allToPrimary());
    // The shift expired the canary's session cookie (routeOptions): the status says so at once, so every
    // later write of the routing object (a reconcile, Finalising) keeps the rule that expires it.
    return tick.goto('Finalising', { ...weights, ...retireCookies(tick.status) });
  });
}

export function finalising(tick: Tick): Promise<CanaryStatus> {
  return whenPrimaryReady(tick, async () => {
    const routes = await tick.ports.router.getRoutes(tick.canary);
    if (routes.canaryWeight !== 0 || routes.primaryWeight !== TOTAL_WEIGHT) {
      // Someone moved traffic since Promoting: put it back before scaling the canary down.
      const outcome = await applyRoutes(tick, ALL_TO_PRIMARY);
      if (!outcome.applied) return tick.stay(routeFailurePatch(tick, outcome));
    }
    return succeed(tick, false);
  });
}
