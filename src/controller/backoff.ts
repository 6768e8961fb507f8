/**
 * How long a canary's loop waits after a failed reconcile, decided by the error's `retry` column
 * (src/errors.ts). A retriable error (the API server was briefly unavailable, a conflict, a routing object
 * someone else rewrote) is tried again soon: 1 s, doubling per failure in a row, never longer than the
 * analysis interval. Anything else (a refused permission, a bug) will not go away by asking again: it
 * waits the interval, doubling up to 10 intervals (at most 5 minutes unless the interval is longer), so a
 * broken canary does not load the API server while its Warning events say what to fix. Every delay is
 * jittered (between half and all of it) so canaries that failed together do not retry together.
 */
import { isRetriable } from '../errors.js';

export const RETRY_FIRST_MS = 1000;
export const NON_RETRIABLE_CAP_MS = 5 * 60 * 1000;

export function retryDelayMs(
  err: unknown,
  failuresInARow: number,
  intervalMs: number,
  random: () => number = Math.random,
): number {
  const doublings = Math.min(Math.max(failuresInARow - 1, 0), 20);
  const [first, cap] = isRetriable(err)
    ? [Math.min(RETRY_FIRST_MS, intervalMs), intervalMs]
    : [intervalMs, Math.max(intervalMs, Math.min(10 * intervalMs, NON_RETRIABLE_CAP_MS))];
  const delay = Math.min(cap, first * 2 ** doublings);
  return Math.round(delay / 2 + (random() * delay) / 2);
}
