/** Ending a release well: copy the canary to the primary, then (after the traffic shift) scale the canary down. */
import { serviceNames, namespaceOf } from '../../api/defaults.js';
import type { CanaryStatus } from '../../api/types.js';
import { alerts, messages } from '../messages.js';
import { retireCookies } from '../revision.js';
import type { Tick } from '../tick.js';
import { runPostRollout } from './hooks.js';
import { ALL_TO_PRIMARY } from '../ports.js';
import { applyRoutes, routeFailurePatch } from './routes.js';

/** Copies the canary's template (and configs) to the primary, and says so. */
async function copyToPrimary(tick: Tick): Promise<void> {
  const primary = `${serviceNames(tick.canary.spec).primary}.${namespaceOf(tick.canary)}`;
  await tick.ports.target.promote(tick.canary);
  await tick.event('Normal', messages.copying(tick.name, primary));
}

export async function promote(tick: Tick, patch: Partial<CanaryStatus> = {}): Promise<CanaryStatus> {
  await copyToPrimary(tick);
  // The primary now rolls out the new version; the progress deadline counts from here.
  return tick.goto('Promoting', { ...patch, progressStartedAt: tick.at });
}

export async function succeed(tick: Tick, skipped: boolean): Promise<CanaryStatus> {
  await tick.ports.target.scaleCanaryToZero(tick.canary);
  await tick.event('Normal', skipped ? messages.skipped(tick.name) : messages.promoted(tick.name));
  await tick.notify('info', skipped ? alerts.skipped() : alerts.succeeded(), {
    phase: 'Succeeded',
    canaryWeight: 0,
  });
  await runPostRollout(tick, 'Succeeded');
  return tick.goto('Succeeded', {
    canaryWeight: 0,
    iterations: 0,
    mirrored: false,
    lastPromotedSpec: tick.status.lastAppliedSpec,
    progressStartedAt: undefined,
    failureReason: undefined,
    ...retireCookies(tick.status),
  });
}

/** skipAnalysis: all traffic to the primary, promote, scale the canary down, done. */
export async function skipAnalysis(tick: Tick): Promise<CanaryStatus> {
  const outcome = await applyRoutes(tick, ALL_TO_PRIMARY);
  if (!outcome.applied) return tick.stay(routeFailurePatch(tick, outcome));
  await copyToPrimary(tick);
  return succeed(tick, true);
}
