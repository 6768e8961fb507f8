/**
 * Progressing and WaitingPromotion: one analysis interval. First the guards, in Flagger's order — the
 * first that has something to say ends the tick — then the checks, then the strategy's step.
 */
import { failureThreshold, maxInconclusive, providerOf, strategyOf } from '../../api/defaults.js';
import { defaultRunners, runMetricChecks, verdictOf } from '../../analysis/checks.js';
import type { CanaryStatus, CheckResult } from '../../api/types.js';
import { alertGate, rollbackRequested, runCheckHooks, runGate } from '../actions/hooks.js';
import { promote, skipAnalysis } from '../actions/promote.js';
import { judgeReadiness } from '../actions/readiness.js';
import { rollback, type RollbackCause } from '../actions/rollback.js';
import { ALL_TO_PRIMARY, applyRoutes, routeFailurePatch } from '../actions/routes.js';
import { revisionPatch } from '../actions/start-rollout.js';
import { alerts, describeRoutes, messages } from '../messages.js';
import type { Routes } from '../ports.js';
import { isNewRevision } from '../revision.js';
import { STRATEGIES, type StepDecision } from '../strategies/index.js';
import type { Tick } from '../tick.js';

interface Interval {
  tick: Tick;
  /** What the router holds (the source of truth for weights). */
  routes: Routes;
  /** Facts learnt so far this tick, carried into whatever status the tick ends with. */
  patch: Partial<CanaryStatus>;
}

/** A guard returns the tick's final status when it ends the tick, undefined to let the interval go on. */
type Guard = (interval: Interval) => Promise<CanaryStatus | undefined>;

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
    const cause: RollbackCause = {
      reason: `progress deadline exceeded: ${canary.reason}`,
      event: `progress deadline exceeded ${canary.reason}`,
      alert: `Progress deadline exceeded: canary not ready, ${canary.reason}`,
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

const inconclusiveLimit: Guard = async ({ tick, routes }) => {
  const limit = maxInconclusive(tick.analysis);
  if ((tick.status.inconclusiveChecks ?? 0) < limit) return undefined;
  const reason = lastCheck(tick, 'inconclusive')?.message ?? `${limit} inconclusive intervals in a row`;
  return rollback(
    tick,
    { reason, event: reason, alert: `Canary analysis failed: ${reason}`, severity: 'error' },
    routes,
  );
};

/**
 * Flagger's order, except that a reached failure limit rolls back before canary readiness is asked (a
 * canary that is both failing and unready must not wait out the progress deadline first), plus
 * `routerMoved`, which keeps a re-run from stepping twice.
 */
const GUARDS: readonly Guard[] = [
  primaryReady,
  newRevision,
  failedChecksLimit,
  inconclusiveLimit,
  routerMoved,
  canaryReady,
  skip,
  rollbackHook,
];

/** The interval's checks: pre-rollout hooks on the very first interval, else rollout hooks then metrics. */
async function runChecks({ tick, routes }: Interval): Promise<CheckResult[]> {
  const first =
    routes.canaryWeight === 0 &&
    (tick.status.iterations ?? 0) === 0 &&
    !(tick.analysis.mirror && routes.mirrored);
  if (first) {
    await tick.event('Normal', messages.starting(tick.name));
    return runCheckHooks(tick, 'pre-rollout');
  }
  const hooks = await runCheckHooks(tick, 'rollout');
  if (verdictOf(hooks) === 'fail') return hooks;
  const { compareWithPrimary, checkRunners } = tick.options;
  const runners = defaultRunners({
    ...(compareWithPrimary ? { 'compare-with-primary': { run: compareWithPrimary } } : {}),
    ...checkRunners,
  });
  const startedAt = Date.parse(tick.status.analysisStartedAt ?? tick.at);
  const context = {
    canary: tick.canary,
    metrics: tick.ports.metrics,
    ...(tick.ports.templates ? { templates: tick.ports.templates } : {}),
    now: tick.now,
    analysisStartedAtMs: startedAt,
  };
  return [...hooks, ...(await runMetricChecks(tick.analysis.metrics ?? [], context, runners))];
}

async function waitForPromotion(
  interval: Interval,
  hook: { name: string; muteAlert?: boolean; url: string },
) {
  const { tick } = interval;
  await tick.event('Warning', messages.waitingPromotion(tick.name, hook.name));
  if (tick.phase !== 'WaitingPromotion') await alertGate(tick, hook, alerts.waitingPromotion());
  return tick.goto('WaitingPromotion', interval.patch);
}

/** Carries out the strategy's decision: gates first, then the traffic change (verified) or the promotion. */
async function carryOut(interval: Interval, decision: StepDecision): Promise<CanaryStatus> {
  const { tick, patch } = interval;
  if (decision.kind === 'hold') return tick.stay(patch);
  if (decision.kind === 'promote') {
    const gate = await runGate(tick, 'confirm-promotion', 'Progressing');
    return gate.open ? promote(tick, patch) : waitForPromotion(interval, gate.hook);
  }
  const gated =
    decision.gate === 'confirm-traffic-increase' && tick.phase === 'WaitingPromotion'
      ? undefined
      : decision.gate;
  if (gated) {
    const gate = await runGate(tick, gated, 'Progressing');
    if (!gate.open && gated === 'confirm-promotion') return waitForPromotion(interval, gate.hook);
    if (!gate.open) {
      await tick.event('Warning', messages.waitingTraffic(tick.name, gate.hook.name));
      await alertGate(tick, gate.hook, alerts.waitingTraffic());
      return tick.stay(patch);
    }
  }
  const outcome = await applyRoutes(tick, decision.routes);
  if (!outcome.applied)
    return tick.stay({
      ...patch,
      ...routeFailurePatch(tick, outcome),
      lastChecks: [...(patch.lastChecks ?? []), outcome.check],
    });
  await tick.event('Normal', decision.message);
  return tick.stay({
    ...patch,
    canaryWeight: outcome.routes.canaryWeight,
    mirrored: outcome.routes.mirrored,
    ...(decision.iterations !== undefined ? { iterations: decision.iterations } : {}),
  });
}

export async function analysing(tick: Tick): Promise<CanaryStatus> {
  const routes = await tick.ports.router.getRoutes(tick.canary);
  const interval: Interval = {
    tick,
    routes,
    patch: { canaryWeight: routes.canaryWeight, mirrored: routes.mirrored },
  };
  for (const guard of GUARDS) {
    const ended = await guard(interval);
    if (ended) return ended;
  }

  const checks = await runChecks(interval);
  interval.patch.lastChecks = checks;
  const verdict = verdictOf(checks);
  if (verdict === 'fail') {
    for (const check of checks.filter((c) => c.decision === 'fail')) {
      await tick.event('Warning', messages.halt(tick.name, check.message));
    }
    return tick.stay({ ...interval.patch, failedChecks: (tick.status.failedChecks ?? 0) + 1 });
  }
  if (verdict === 'inconclusive') {
    for (const check of checks.filter((c) => c.decision === 'inconclusive')) {
      await tick.event('Normal', messages.halt(tick.name, check.message));
    }
    return tick.stay({ ...interval.patch, inconclusiveChecks: (tick.status.inconclusiveChecks ?? 0) + 1 });
  }
  interval.patch.inconclusiveChecks = 0;

  const step = STRATEGIES[strategyOf(tick.analysis)];
  const decision = step({
    analysis: tick.analysis,
    routes,
    iterations: tick.status.iterations ?? 0,
    provider: providerOf(tick.canary.spec),
    name: tick.name,
  });
  return carryOut(interval, decision);
}
