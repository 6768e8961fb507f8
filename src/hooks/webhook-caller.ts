/**
 * The HTTP WebhookCaller: POSTs Flagger's payload to a canary's webhook and says, in one line, why a call
 * failed. Success iff the receiver answers with a status <= 202 (Flagger's rule: 203-299 are failures too).
 * Never throws.
 */
import type { Canary, CanaryWebhook, Phase } from '../api/types.js';
import type { HookResult, WebhookCaller } from '../engine/ports.js';
import { hookPayload, type HookPayload } from './payload.js';
import { postJson, type Backoff } from './post-json.js';
import { proxyFromEnv } from './env-proxy.js';
import { effectiveType, hookTimeoutMs } from '../api/webhook-defaults.js';

export interface WebhookCallerOptions {
  /**
   * Wait before the first retry of a transient failure; doubles per retry with jitter, capped at maxMs.
   * Default 1s..10s. The number of retries is the hook's own `retries` (default 0, as in Flagger).
   */
  backoff?: Backoff;
  /** Where HTTP_PROXY / HTTPS_PROXY / NO_PROXY are read from. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_HOOK_BACKOFF: Backoff = { baseMs: 1000, maxMs: 10_000 };

/** Flagger's rule: any status up to 202 is success, 203 and above (including other 2xx) is failure. */
export function isHookSuccess(status: number): boolean {
  return status <= 202;
}

export class HttpWebhookCaller implements WebhookCaller {
  private readonly backoff: Backoff;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: WebhookCallerOptions = {}) {
    this.backoff = options.backoff ?? DEFAULT_HOOK_BACKOFF;
    this.env = options.env ?? process.env;
  }

  call(
    canary: Canary,
    hook: CanaryWebhook,
    phase: Phase,
    metadata?: Record<string, string>,
  ): Promise<HookResult> {
    return this.post(hook, hookPayload(canary, hook, phase, metadata));
  }

  private async post(hook: CanaryWebhook, payload: HookPayload): Promise<HookResult> {
    const label = `webhook ${hook.name} (${effectiveType(hook)}) ${displayUrl(hook.url)}`;
    const timeoutMs = hookTimeoutMs(hook);
    if (typeof timeoutMs !== 'number') return { ok: false, reason: `${label}: ${timeoutMs.error}` };
    const proxy = proxyFromEnv(hook.url, this.env);
    try {
      const outcome = await postJson(hook.url, payload, {
        timeoutMs,
        retries: hook.retries ?? 0,
        backoff: this.backoff,
        isSuccess: isHookSuccess,
        insecure: hook.disableTLS === true,
        ...(proxy ? { proxy } : {}),
      });
      if (outcome.ok) return { ok: true, status: outcome.status };
      const attempts = outcome.attempts > 1 ? ` (after ${outcome.attempts} attempts)` : '';
      const reason = `${label}: ${outcome.detail}${attempts}`;
      return outcome.status === undefined
        ? { ok: false, reason }
        : { ok: false, reason, status: outcome.status };
    } catch (err) {
      // postJson does not reject; this guards the port's promise against a bug all the same.
      return { ok: false, reason: `${label}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
}

/** The URL as shown in reasons and logs: a password in it is masked. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return url;
  }
}
