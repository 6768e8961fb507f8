/** What the terminal shows of a running canary at one moment. */
import { failureThreshold, maxWeight } from '../api/defaults.js';
import type { Canary, CanaryStatus, CheckResult, Phase } from '../api/types.js';

export interface ProgressSnapshot {
  /** e.g. "podinfo v1 -> v2" */
  title: string;
  phase: Phase;
  canaryWeight: number;
  maxWeight: number;
  failedChecks: number;
  threshold: number;
  checks: CheckResult[];
  /** Requests sent by the load generator so far, when there is one. */
  requests?: number;
  elapsedMs: number;
}

export interface ProgressView {
  update(snapshot: ProgressSnapshot): void;
  event(type: 'Normal' | 'Warning', message: string): void;
  /** Prints a line that stays (a result, a heading). */
  line(text: string): void;
  close(): void;
}

/** The snapshot of a Canary's status, as `aviary run` and `aviary demo` show it. */
export function snapshotOf(
  title: string,
  canary: Canary,
  status: CanaryStatus,
  startedAt: number,
  requests?: number,
): ProgressSnapshot {
  return {
    title,
    phase: status.phase ?? 'Initializing',
    canaryWeight: status.canaryWeight ?? 0,
    maxWeight: maxWeight(canary.spec.analysis),
    failedChecks: status.failedChecks ?? 0,
    threshold: failureThreshold(canary.spec.analysis),
    checks: status.lastChecks ?? [],
    ...(requests === undefined ? {} : { requests }),
    elapsedMs: Date.now() - startedAt,
  };
}
