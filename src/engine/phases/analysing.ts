/**
 * Progressing and WaitingPromotion: one analysis interval. First the guards (./guards.ts) — the first
 * that has something to say ends the tick — then the checks, then the strategy's step (./carry-out.ts).
 */
import { maxInconclusive, providerOf, strategyOf } from '../../api/defaults.js';
import { defaultRunners, runMetricChecks, verdictOf } from '../../analysis/checks.js';
import type { CanaryStatus, CheckResult } from '../../api/types.js';
import { runCheckHooks } from '../actions/hooks.js';
import { rollback } from '../actions/rollback.js';
import { messages } from '../messages.js';
import { metricHalt } from '../metric-halt.js';
import { STRATEGIES } from '../strategies/index.js';
import type { Tick } from '../tick.js';
import { carryOut } from './carry-out.js';
import { GUARDS } from './guards.js';
import type { Interval } from './interval.js';

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
      await tick.event('Warning', metricHalt(tick.name, check, tick.analysis.metrics ?? []));
    }
    const conclusive = checks.find((c) => c.decision === 'fail' && c.final);
    if (conclusive) {
      return rollback(
        tick,
        {
          reason: conclusive.message,
          event: `conclusive regression: ${conclusive.message}`,
          alert: `Rolling back, the canary is worse than the primary: ${conclusive.message}`,
          severity: 'error',
        },
        routes,
      );
    }
    return tick.stay({ ...interval.patch, failedChecks: (tick.status.failedChecks ?? 0) + 1 });
  }
  if (verdict === 'inconclusive') {
    // The weight holds and the evidence keeps accumulating; each interval says how long it may go on.
    const count = (tick.status.inconclusiveChecks ?? 0) + 1;
    const limit = maxInconclusive(tick.canary.spec, tick.intervalMs);
    for (const check of checks.filter((c) => c.decision === 'inconclusive')) {
      await tick.event('Warning', messages.inconclusive(tick.name, count, limit, check.message));
    }
    return tick.stay({ ...interval.patch, inconclusiveChecks: count });
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
