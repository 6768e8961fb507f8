/**
 * Ending a release badly. A rollback sends all traffic back to the primary and scales the canary to zero;
 * a failed promotion (the primary broke while taking the new version) sends all traffic to the canary,
 * the only healthy copy left.
 */
import type { CanaryStatus } from '../../api/types.js';
import { describeRoutes, messages } from '../messages.js';
import { ALL_TO_CANARY, ALL_TO_PRIMARY, type Routes, type Severity } from '../ports.js';
import { retireCookies } from '../revision.js';
import type { Tick } from '../tick.js';
import { runPostRollout } from './hooks.js';
import { applyRoutes, routeFailurePatch } from './routes.js';

export interface RollbackCause {
  /** One line for status.failureReason, e.g. "failed checks threshold reached 5: request-success-rate 94.12 < 99". */
  reason: string;
  /** The event text after "Rolling back <name> ". */
  event: string;
  alert: string;
  severity: Severity;
  fields?: Record<string, string>;
}

export async function rollback(tick: Tick, cause: RollbackCause, routes: Routes): Promise<CanaryStatus> {
  const outcome = await applyRoutes(tick, ALL_TO_PRIMARY);
  // Traffic still reaches the canary: do not scale it down under users; the next tick retries.
  if (!outcome.applied) return tick.stay(routeFailurePatch(tick, outcome));
  await tick.event('Warning', `Rolling back ${tick.name} ${cause.event}`);
  await tick.notify(cause.severity, cause.alert, {
    canaryWeight: routes.canaryWeight,
    fields: { Traffic: describeRoutes(routes), ...cause.fields },
  });
  await tick.ports.target.scaleCanaryToZero(tick.canary);
  await tick.event('Warning', messages.canaryFailed(tick.name), 'Failed');
  await runPostRollout(tick, 'Failed');
  return tick.goto('Failed', {
    canaryWeight: 0,
    iterations: 0,
    mirrored: false,
    failureReason: cause.reason,
    progressStartedAt: undefined,
    ...retireCookies(tick.status),
  });
}

export async function failPromotion(tick: Tick, reason: string): Promise<CanaryStatus> {
  const outcome = await applyRoutes(tick, ALL_TO_CANARY);
  if (!outcome.applied) return tick.stay(routeFailurePatch(tick, outcome));
  const message = messages.promotionFailed(tick.name, reason);
  await tick.event('Warning', message);
  await tick.notify('error', `Promotion failed, primary not ready: ${reason}`, {
    canaryWeight: 100,
    fields: { Traffic: describeRoutes(ALL_TO_CANARY) },
  });
  await runPostRollout(tick, 'Failed');
  return tick.goto('Failed', {
    canaryWeight: 100,
    mirrored: false,
    failureReason: `promotion failed, primary not ready: ${reason}`,
    progressStartedAt: undefined,
  });
}
