/** What the terminal shows of a running canary at one moment. */
import type { CheckResult, Phase } from '../../api/types.js';

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
