/** Carries out a strategy's decision: its gate first, then the verified traffic change or the promotion. */
import type { CanaryStatus, CanaryWebhook } from '../../api/types.js';
import { alertGate, runGate } from '../actions/hooks.js';
import { promote } from '../actions/promote.js';
import { applyRoutes, routeFailurePatch } from '../actions/routes.js';
import { alerts, messages } from '../messages.js';
import type { StepDecision } from '../strategies/index.js';
import type { Interval } from './interval.js';

async function waitForPromotion(interval: Interval, hook: CanaryWebhook): Promise<CanaryStatus> {
  const { tick } = interval;
  await tick.event('Warning', messages.waitingPromotion(tick.name, hook.name));
  if (tick.phase !== 'WaitingPromotion') await alertGate(tick, hook, alerts.waitingPromotion());
  return tick.goto('WaitingPromotion', interval.patch);
}

async function waitForTraffic(interval: Interval, hook: CanaryWebhook): Promise<CanaryStatus> {
  const { tick } = interval;
  await tick.event('Warning', messages.waitingTraffic(tick.name, hook.name));
  await alertGate(tick, hook, alerts.waitingTraffic());
  return tick.stay(interval.patch);
}

/** Carries out the strategy's decision: gates first, then the traffic change (verified) or the promotion. */
export async function carryOut(interval: Interval, decision: StepDecision): Promise<CanaryStatus> {
  const { tick, patch } = interval;
  if (decision.kind === 'hold') return tick.stay(patch);
  // Once waiting for promotion, the traffic gate was passed already.
  const gated =
    decision.gate === 'confirm-traffic-increase' && tick.phase === 'WaitingPromotion'
      ? undefined
      : decision.gate;
  if (decision.kind === 'promote') {
    if (gated) {
      const traffic = await runGate(tick, gated, 'Progressing');
      if (!traffic.open) return waitForTraffic(interval, traffic.hook);
    }
    const gate = await runGate(tick, 'confirm-promotion', 'Progressing');
    return gate.open ? promote(tick, patch) : waitForPromotion(interval, gate.hook);
  }
  if (gated) {
    const gate = await runGate(tick, gated, 'Progressing');
    if (!gate.open && gated === 'confirm-promotion') return waitForPromotion(interval, gate.hook);
    if (!gate.open) return waitForTraffic(interval, gate.hook);
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
