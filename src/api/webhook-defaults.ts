/** Which hooks apply, and their effective settings (Flagger's defaults). */
import type { Canary, CanaryWebhook, WebhookType } from './types.js';
import { parseDuration } from './duration.js';

export const DEFAULT_HOOK_TIMEOUT_MS = 10_000;

/** The canary's hooks of one type, in spec order. A hook without a type is a `rollout` hook (Flagger). */
export function hooksOfType(canary: Canary, type: WebhookType): CanaryWebhook[] {
  return (canary.spec.analysis.webhooks ?? []).filter((hook) => effectiveType(hook) === type);
}

/** The hook's type; absent or "" (both in Flagger's CRD) is `rollout`. */
export function effectiveType(hook: CanaryWebhook): WebhookType {
  return hook.type || 'rollout';
}

/**
 * The per-attempt timeout. Flagger turns any value shorter than two characters (``, `5`) into 10s; an
 * unparsable longer value is an error the caller reports.
 */
export function hookTimeoutMs(hook: CanaryWebhook): number | { error: string } {
  const text = hook.timeout ?? '';
  if (text.length < 2) return DEFAULT_HOOK_TIMEOUT_MS;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0)
    return { error: `invalid timeout "${text}" (use a duration such as 30s or 1m)` };
  return ms;
}
