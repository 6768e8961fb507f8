/**
 * Readiness with a progress deadline. The port may say "not ready, waiting will not help" itself; the
 * engine also remembers since when it has been waiting (status.progressStartedAt) so the deadline holds
 * even when the port only ever says "not ready yet".
 */
import { progressDeadlineMs } from '../../api/defaults.js';
import type { Readiness } from '../ports.js';
import type { Tick } from '../tick.js';

export type ReadinessVerdict =
  | { kind: 'ready' }
  | { kind: 'waiting'; reason: string; since: string }
  /**
   * Give up: `waitedOut` when the progress deadline passed (judged here, or by the port), false when the
   * port said waiting will not help for another reason.
   */
  | { kind: 'deadline'; reason: string; waitedOut: boolean };

export function judgeReadiness(tick: Tick, readiness: Readiness): ReadinessVerdict {
  if (readiness.ready) return { kind: 'ready' };
  if (!readiness.retriable)
    return { kind: 'deadline', reason: readiness.reason, waitedOut: readiness.deadlineExceeded === true };
  const since = tick.status.progressStartedAt ?? tick.at;
  const deadline = progressDeadlineMs(tick.canary.spec);
  if (tick.now - Date.parse(since) > deadline) {
    return {
      kind: 'deadline',
      reason: `${readiness.reason} for more than ${deadline / 1000}s`,
      waitedOut: true,
    };
  }
  return { kind: 'waiting', reason: readiness.reason, since };
}
