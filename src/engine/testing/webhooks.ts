import type { Canary, CanaryWebhook, Phase } from '../../api/types.js';
import type { HookResult, WebhookCaller } from '../ports.js';

export type HookScript = HookResult | HookResult[] | ((call: number) => HookResult);

export interface HookCall {
  name: string;
  type: string;
  phase: Phase;
  metadata?: Record<string, string>;
}

export const OK: HookResult = { ok: true, status: 200 };
export const closed = (reason = 'gate closed'): HookResult => ({ ok: false, reason, status: 403 });

/**
 * Webhook answers by hook name. Unscripted hooks answer 200 — except rollback hooks, which answer "no"
 * (a 2xx from a rollback hook means "roll back", like Flagger's loadtester gate that starts closed).
 */
export class ScriptedWebhooks implements WebhookCaller {
  readonly calls: HookCall[] = [];
  private readonly scripts = new Map<string, HookScript>();
  private readonly counts = new Map<string, number>();

  set(name: string, script: HookScript): this {
    this.scripts.set(name, Array.isArray(script) ? [...script] : script);
    this.counts.set(name, 0);
    return this;
  }
  open(name: string): this {
    return this.set(name, OK);
  }
  close(name: string, reason?: string): this {
    return this.set(name, closed(reason));
  }

  call(
    _canary: Canary,
    hook: CanaryWebhook,
    phase: Phase,
    metadata?: Record<string, string>,
  ): Promise<HookResult> {
    this.calls.push({
      name: hook.name,
      type: hook.type ?? 'rollout',
      phase,
      ...(metadata ? { metadata } : {}),
    });
    const call = this.counts.get(hook.name) ?? 0;
    this.counts.set(hook.name, call + 1);
    const script = this.scripts.get(hook.name);
    if (script === undefined)
      return Promise.resolve(hook.type === 'rollback' ? closed('no rollback requested') : OK);
    if (typeof script === 'function') return Promise.resolve(script(call));
    if (Array.isArray(script)) return Promise.resolve(script[Math.min(call, script.length - 1)] ?? OK);
    return Promise.resolve(script);
  }

  callsOf(name: string): HookCall[] {
    return this.calls.filter((c) => c.name === name);
  }
}
