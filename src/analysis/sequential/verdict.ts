/**
 * What every judge returns: the decision and every number needed to explain it to a person.
 */
import type { Interval } from './beta-binomial.js';

export type Decision = 'pass' | 'fail' | 'inconclusive';

/**
 * Why the decision is what it is. Only `evidence` can carry pass or fail; the other reasons are always
 * inconclusive here (nothing silently passes). The check runner turns `invalid-input` into a failed check
 * (a broken metric source); the rest is too little traffic, which the engine holds the step on, up to
 * `maxInconclusive` intervals.
 */
export type VerdictReason = 'evidence' | 'not-enough-samples' | 'no-data' | 'invalid-input';

/**
 * A confidence sequence: `interval` holds the true value at every look simultaneously with probability
 * `confidence` (= 1 - alpha), however often the judge is asked.
 */
export interface SequentialStatistic {
  /** What the interval bounds, e.g. "p_canary - p_primary" or "p99_canary / p99_primary". */
  readonly of: string;
  readonly interval: Interval;
  readonly confidence: number;
  /** The per-version confidence sequences the interval was built from (each at alpha / 2). */
  readonly canary: Interval;
  readonly primary: Interval;
}

export type VerdictThreshold =
  /** Error rate: the canary may exceed the primary by at most `maxIncrease` (a proportion, 0.01 = 1pp). */
  | { readonly kind: 'margin'; readonly maxIncrease: number }
  /** Latency: canary quantile <= primary quantile * (1 + maxIncreasePercent / 100) + maxIncreaseMs. */
  | {
      readonly kind: 'relative';
      readonly quantile: number;
      readonly maxIncreasePercent: number;
      readonly maxIncreaseMs: number;
    }
  /** A plain value check (Flagger's thresholdRange). */
  | { readonly kind: 'range'; readonly min: number | null; readonly max: number | null };

export interface Verdict {
  readonly metric: string;
  readonly decision: Decision;
  readonly reason: VerdictReason;
  /** Canary estimate (error proportion, latency quantile in ms, or the metric's value); null if none. */
  readonly canaryValue: number | null;
  readonly primaryValue: number | null;
  readonly canarySamples: number;
  readonly primarySamples: number | null;
  readonly statistic: SequentialStatistic | null;
  readonly threshold: VerdictThreshold;
  /** The false-alarm probability bound, valid under continuous monitoring; null for a plain check. */
  readonly alpha: number | null;
  /** One line a person can act on. */
  readonly message: string;
}
