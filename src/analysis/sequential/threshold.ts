/**
 * The classic check ("value within thresholdRange", Flagger's builtin metrics) with a sample guard:
 * a value computed from 3 requests is not evidence, so below `minSamples` the check is inconclusive.
 * A missing value (NaN, null, undefined, infinite) is never a pass.
 *
 * This check looks at one window and has no guarantee under repeated looks; it exists for Flagger
 * compatibility and for metrics that have no primary to compare with.
 */
import { plain } from './format.js';
import type { Verdict, VerdictReason } from './verdict.js';

export interface ThresholdObservation {
  /** The metric's value over the interval; null/undefined/NaN means the query returned nothing. */
  readonly value: number | null | undefined;
  /** How many requests (or samples) the value was computed from, when the source knows it. */
  readonly samples?: number;
}

export interface ThresholdOptions {
  readonly metric: string;
  readonly min?: number;
  readonly max?: number;
  /** Samples needed before a pass or fail. Default 0 (Flagger's behaviour: no guard). */
  readonly minSamples?: number;
}

function describeRange(min: number | null, max: number | null): string {
  if (min !== null && max !== null) return `[${plain(min)}, ${plain(max)}]`;
  if (min !== null) return `>= ${plain(min)}`;
  return `<= ${plain(max ?? Number.NaN)}`;
}

export function checkThreshold(observation: ThresholdObservation, options: ThresholdOptions): Verdict {
  const min = options.min ?? null;
  const max = options.max ?? null;
  const minSamples = options.minSamples ?? 0;
  const { value, samples } = observation;
  const threshold = { kind: 'range', min, max } as const;
  const finiteSamples = samples !== undefined && Number.isFinite(samples) ? samples : null;
  const n = finiteSamples === null ? '' : ` (n=${finiteSamples})`;

  const verdict = (decision: Verdict['decision'], reason: VerdictReason, message: string): Verdict => ({
    metric: options.metric,
    decision,
    reason,
    canaryValue: typeof value === 'number' && Number.isFinite(value) ? value : null,
    primaryValue: null,
    canarySamples: finiteSamples ?? 0,
    primarySamples: null,
    statistic: null,
    threshold,
    alpha: null,
    message,
  });

  if (min === null && max === null) {
    return verdict(
      'inconclusive',
      'invalid-input',
      `${options.metric}: thresholdRange has neither min nor max — set at least one bound`,
    );
  }
  if (min !== null && max !== null && min > max) {
    return verdict(
      'inconclusive',
      'invalid-input',
      `${options.metric}: thresholdRange min ${plain(min)} is above max ${plain(max)} — swap or fix the bounds`,
    );
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return verdict(
      'inconclusive',
      'no-data',
      `${options.metric}: no data (the query returned ${String(value)}) — check the query and that the workload receives traffic`,
    );
  }
  if (minSamples > 0) {
    if (finiteSamples === null) {
      return verdict(
        'inconclusive',
        'not-enough-samples',
        `${options.metric}: ${plain(value)} but the sample count is unknown and minSamples is ${minSamples} — use a source that reports counts or set minSamples to 0`,
      );
    }
    if (finiteSamples < minSamples) {
      return verdict(
        'inconclusive',
        'not-enough-samples',
        `not enough traffic: ${finiteSamples} requests, need ${minSamples} — add a load-test webhook or lower minSamples`,
      );
    }
  }
  const range = describeRange(min, max);
  if (min !== null && value < min) {
    return verdict(
      'fail',
      'evidence',
      `${options.metric} ${plain(value)}${n} is below the minimum ${plain(min)} -> fail`,
    );
  }
  if (max !== null && value > max) {
    return verdict(
      'fail',
      'evidence',
      `${options.metric} ${plain(value)}${n} is above the maximum ${plain(max)} -> fail`,
    );
  }
  return verdict('pass', 'evidence', `${options.metric} ${plain(value)}${n} is within ${range} -> pass`);
}
