/**
 * The guards of an analysis interval. Each one may end the tick (returning its final status: a rollback,
 * a hold, a restart); the first that does wins, in the order of GUARDS.
 */
import { failureThreshold, maxInconclusive } from '../../api/defaults.js';
import { formatDuration } from '../../api/duration.js';
import type { CheckResult } from '../../api/types.js';
import { rollbackRequested } from '../actions/hooks.js';
import { skipAnalysis } from '../actions/promote.js';
import { judgeReadiness } from '../actions/readiness.js';
import { rollback, type RollbackCause } from '../actions/rollback.js';
import { applyRoutes, routeFailurePatch } from '../actions/routes.js';
import { ALL_TO_PRIMARY } from '../ports.js';
import { revisionPatch } from '../actions/start-rollout.js';
import { describeRoutes, messages } from '../messages.js';
import { isNewRevision } from '../revision.js';
import type { Tick } from '../tick.js';
import type { Guard } from './interval.js';

const primaryReady: Guard = async ({ tick, routes }) => {
  if (tick.canary.spec.skipAnalysis) return undefined;
  const primary = judgeReadiness(tick, await tick.ports.target.primaryReadiness(tick.canary));
  if (primary.kind === 'ready') return undefined;
  const reason = `primary not ready: ${primary.reason}`;
  if (primary.kind === 'deadline') {
    return rollback(
      tick,
      { reason, event: reason, alert: `Rolling back, ${reason}`, severity: 'error' },
      routes,
    );
  }
  await tick.event('Warning', messages.notReady(tick.name, reason));
  return tick.stay({ canaryWeight: routes.canaryWeight, mirrored: routes.mirrored });
};

/** A new revision mid-analysis restarts it from zero traffic. */
const newRevision: Guard = async ({ tick }) => {
  const revision = await tick.ports.target.revision(tick.canary);
  if (!isNewRevision(tick.status, revision)) return undefined;
  const outcome = await applyRoutes(tick, ALL_TO_PRIMARY);
  if (!outcome.applied) return tick.stay(routeFailurePatch(tick, outcome));
  await tick.event('Normal', messages.restart(tick.name));
  return tick.goto('Progressing', revisionPatch(tick, revision));
};

const canaryReady: Guard = async (interval) => {
  const { tick, routes } = interval;
  const canary = judgeReadiness(tick, await tick.ports.target.canaryReadiness(tick.canary));
  if (canary.kind === 'ready') {
    interval.patch.progressStartedAt = undefined;
    return undefined;
  }
  if (canary.kind === 'deadline') {
    // "progress deadline exceeded" only when it was: a canary that exited says so without waiting.
    const cause: RollbackCause = canary.waitedOut
      ? {
          reason: `progress deadline exceeded: ${canary.reason}`,
          event: `progress deadline exceeded ${canary.reason}`,
          alert: `Progress deadline exceeded: canary not ready, ${canary.reason}`,
          severity: 'error',
        }
      : {
          reason: `canary failed: ${canary.reason}`,
          event: `canary failed: ${canary.reason}`,
          alert: `Canary failed: ${canary.reason}`,
          severity: 'error',
        };
    return rollback(tick, cause, routes);
  }
  await tick.event('Warning', messages.notReady(tick.name, `canary not ready: ${canary.reason}`));
  return tick.stay({
    progressStartedAt: canary.since,
    canaryWeight: routes.canaryWeight,
    mirrored: routes.mirrored,
  });
};

/**
 * The router holds another split than the last written status: the previous tick changed it and died
 * before writing, this is a duplicate run, or someone edited the routing. Adopt what the router holds and
 * let this interval measure it, rather than stepping again on top of an unmeasured change.
 */
const routerMoved: Guard = async ({ tick, routes }) => {
  const { canaryWeight = 0, mirrored = false } = tick.status;
  if (routes.canaryWeight === canaryWeight && routes.mirrored === mirrored) return undefined;
  await tick.event(
    'Normal',
    `${tick.name} router holds ${describeRoutes(routes)}; status said canary ${canaryWeight}%: adopting the router's split`,
  );
  return tick.stay({ canaryWeight: routes.canaryWeight, mirrored: routes.mirrored });
};

const skip: Guard = async ({ tick }) => (tick.canary.spec.skipAnalysis ? skipAnalysis(tick) : undefined);

const rollbackHook: Guard = async ({ tick, routes }) => {
  const hook = await rollbackRequested(tick);
  if (!hook) return undefined;
  const reason = `rollback requested by webhook ${hook.name}`;
  return rollback(
    tick,
    {
      reason,
      event: 'manual webhook invoked',
      alert: 'Rolling back manual webhook invoked',
      severity: 'warn',
    },
    routes,
  );
};

function lastCheck(tick: Tick, decision: CheckResult['decision']): CheckResult | undefined {
  return tick.status.lastChecks?.find((c) => c.decision === decision);
}

/** The failed-check limit is judged at the tick after the check that reached it (Flagger). */
const failedChecksLimit: Guard = async ({ tick, routes }) => {
  const limit = failureThreshold(tick.analysis);
  if ((tick.status.failedChecks ?? 0) < limit) return undefined;
  const check = lastCheck(tick, 'fail');
  const why = check ? `: ${check.message}` : '';
  const fields: Record<string, string> = { 'Failed checks': `${tick.status.failedChecks}/${limit}` };
  if (check?.value !== undefined) fields[check.name] = String(check.value);
  if (check?.threshold !== undefined) fields.Threshold = check.threshold;
  return rollback(
    tick,
    {
      reason: `failed checks threshold reached ${limit}${why}`,
      event: `failed checks threshold reached ${limit}`,
      alert: `Failed checks threshold reached ${limit}${why}`,
      severity: 'error',
      fields,
    },
    routes,
  );
};

/**
 * Too little traffic to decide, for as long as allowed: the release stops, said as insufficient traffic
 * (nothing showed the canary worse), never as a failed metric. Not promoted either: nothing showed it good.
 */
const inconclusiveLimit: Guard = async ({ tick, routes }) => {
  const limit = maxInconclusive(tick.canary.spec, tick.intervalMs);
  const count = tick.status.inconclusiveChecks ?? 0;
  if (count < limit) return undefined;
  const last = lastCheck(tick, 'inconclusive');
  const why = `no decision after ${count} intervals (${formatDuration(count * tick.intervalMs)})${last ? `: ${last.message}` : ''}`;
  const fix =
    'send the canary more traffic (a load-test webhook) or allow a longer wait (analysis.maxInconclusive)';
  return rollback(
    tick,
    {
      reason: `insufficient traffic: ${why}; ${fix}`,
      event: `insufficient traffic: ${why}`,
      alert: `Rolling back, insufficient traffic to judge the canary (no check failed): ${why}; ${fix}`,
      severity: 'error',
      fields: { 'Inconclusive intervals': `${count}/${limit}` },
    },
    routes,
  );
};

/**
 * Flagger's order, except that a reached failure limit rolls back before canary readiness is asked (a
 * canary that is both failing and unready must not wait out the progress deadline first), plus
 * `routerMoved`, which keeps a re-run from stepping twice.
 */
export const GUARDS: readonly Guard[] = [
  primaryReady,
  newRevision,
  failedChecksLimit,
  inconclusiveLimit,
  routerMoved,
  canaryReady,
  skip,
  rollbackHook,
];
