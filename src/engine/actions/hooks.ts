/** Webhooks at Flagger's moments: gates that hold, checks that fail, rollback signals, post-rollout calls. */
import type { CanaryWebhook, CheckResult, Phase, WebhookType } from '../../api/types.js';
import { hooksOfType } from '../../api/webhook-defaults.js';
import { messages } from '../messages.js';
import type { Tick } from '../tick.js';

/** Hooks of one type; a hook without a type (absent or "") is a `rollout` hook (Flagger). */
function hooksOf(tick: Tick, type: WebhookType): CanaryWebhook[] {
  return hooksOfType(tick.canary, type);
}

export type GateResult = { open: true } | { open: false; hook: CanaryWebhook; reason: string };

/** A gate is open when every hook of its type answers 2xx; the first closed one says why. */
export async function runGate(tick: Tick, type: WebhookType, phase: Phase = tick.phase): Promise<GateResult> {
  for (const hook of hooksOf(tick, type)) {
    const result = await tick.ports.webhooks.call(tick.canary, hook, phase);
    if (!result.ok) return { open: false, hook, reason: result.reason };
    await tick.event('Normal', messages.hookPassed(type, hook.name));
  }
  return { open: true };
}

/** pre-rollout / rollout hooks as checks: a failure is a failed check with the receiver's answer. */
export async function runCheckHooks(tick: Tick, type: 'pre-rollout' | 'rollout'): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const hook of hooksOf(tick, type)) {
    const result = await tick.ports.webhooks.call(tick.canary, hook, 'Progressing');
    if (result.ok) {
      results.push({ name: hook.name, decision: 'pass', message: `${type} check ${hook.name} passed` });
      // Flagger reports a passing pre-rollout hook as an event; rollout hooks pass silently every interval.
      if (type === 'pre-rollout') await tick.event('Normal', messages.hookPassed(type, hook.name));
      continue;
    }
    results.push({
      name: hook.name,
      decision: 'fail',
      message: `${type} check ${hook.name} failed: ${result.reason}`,
    });
    break; // Flagger stops at the first failing hook: later hooks (and metrics) would judge a broken setup
  }
  return results;
}

/** Rollback hooks are inverted: a 2xx answer asks for a rollback. */
export async function rollbackRequested(tick: Tick): Promise<CanaryWebhook | undefined> {
  for (const hook of hooksOf(tick, 'rollback')) {
    const result = await tick.ports.webhooks.call(tick.canary, hook, tick.phase);
    if (result.ok) return hook;
  }
  return undefined;
}

export async function runPostRollout(tick: Tick, phase: 'Succeeded' | 'Failed'): Promise<void> {
  for (const hook of hooksOf(tick, 'post-rollout')) {
    const result = await tick.ports.webhooks.call(tick.canary, hook, phase);
    if (!result.ok) await tick.event('Warning', `Post-rollout hook ${hook.name} failed: ${result.reason}`);
    else await tick.event('Normal', messages.hookPassed('post-rollout', hook.name));
  }
}

/** Gate alerts are warnings unless the hook mutes them. */
export async function alertGate(tick: Tick, hook: CanaryWebhook, message: string): Promise<void> {
  if (!hook.muteAlert) await tick.notify('warn', message);
}
