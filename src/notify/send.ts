/** Posts one alert to one provider: 5 s per attempt, bounded retries of transient failures, 2xx required. */
import { postJson, type Backoff } from '../hooks/post-json.js';
import type { Alert, AlertTarget } from './alert.js';
import { formatOf } from './providers.js';

export interface SendOptions {
  /** Per attempt; default 5 s (Flagger's notifier timeout). */
  timeoutMs?: number;
  /** Retries of connection errors, timeouts, 5xx and 429; default 2. */
  retries?: number;
  backoff?: Backoff;
}

export const DEFAULT_SEND: Required<SendOptions> = {
  timeoutMs: 5000,
  retries: 2,
  backoff: { baseMs: 500, maxMs: 4000 },
};

export type SendResult = { ok: true } | { ok: false; reason: string };

export async function sendAlert(
  target: AlertTarget,
  alert: Alert,
  options: SendOptions = {},
): Promise<SendResult> {
  const format = formatOf(target.type);
  if (!format) return { ok: false, reason: `unknown alert provider type "${target.type}"` };
  const request = format.request(target, alert);
  const outcome = await postJson(request.url, request.body, {
    timeoutMs: options.timeoutMs ?? DEFAULT_SEND.timeoutMs,
    retries: options.retries ?? DEFAULT_SEND.retries,
    backoff: options.backoff ?? DEFAULT_SEND.backoff,
    isSuccess: (status) => status >= 200 && status < 300,
    ...(request.headers ? { headers: request.headers } : {}),
    ...(target.proxy ? { proxy: target.proxy } : {}),
  });
  if (!outcome.ok) {
    const attempts = outcome.attempts > 1 ? ` (after ${outcome.attempts} attempts)` : '';
    return { ok: false, reason: `${outcome.detail}${attempts}` };
  }
  const rejected = format.rejection?.(outcome.bodyHead);
  return rejected ? { ok: false, reason: rejected } : { ok: true };
}
