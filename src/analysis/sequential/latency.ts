/**
 * Latency, canary vs primary: "the canary's q-quantile is at most maxIncreasePercent% (plus
 * maxIncreaseMs) above the primary's", judged with quantile confidence sequences.
 *
 * Math. Let xi_c and xi_p be the true q-quantiles and allowed(x) = x * (1 + r) + s with
 * r = maxIncreasePercent / 100 and s = maxIncreaseMs (allowed is increasing). Each version gets a
 * quantile confidence sequence at alpha/2 (./quantile-confidence-sequence.ts, Howard & Ramdas 2022):
 * [L_c, U_c] and [L_p, U_p]. With probability >= 1 - alpha both hold at every look, and then
 *   fail  when L_c > allowed(U_p): xi_c >= L_c > allowed(U_p) >= allowed(xi_p)
 *   pass  when U_c < allowed(L_p): xi_c <= U_c < allowed(L_p) <= allowed(xi_p)
 *   inconclusive otherwise.
 * So a false fail (or a false pass) needs a coverage miss: probability <= alpha, however often the
 * engine looks. The reported statistic is the interval [L_c / U_p, U_c / L_p] for xi_c / xi_p.
 *
 * Power. A quantile q is only seen through the share of requests beyond it: the p99 is judged by the
 * 1% slowest requests. At 5 canary requests per second that is 3 requests a minute, so a p99
 * comparison with a small margin needs many minutes; a whole-distribution slowdown shows up far sooner
 * at p50 or p90. Pick the quantile for the regression you fear, and see bench/analysis.
 *
 * Inputs must hold every sample since the comparison started (cumulative), as a LatencyHistogram
 * (bounded memory) or a plain array (converted to one).
 */
import type { Interval } from './beta-binomial.js';
import { duration, millis, quantileName, ratio } from './format.js';
import { LatencyHistogram } from './latency-histogram.js';
import { type LatencyOptions, resolveLatencyOptions } from './options.js';
import { quantileConfidenceSequence } from './quantile-confidence-sequence.js';
import { sampleShortfall } from './sample-shortfall.js';
import type { Decision, Verdict, VerdictReason } from './verdict.js';

export type LatencySamples = LatencyHistogram | readonly number[];

export interface LatencyObservation {
  /** Canary latencies in milliseconds since the comparison started. */
  readonly canary: LatencySamples;
  /** Primary latencies over the same time. */
  readonly primary: LatencySamples;
  /** How long the comparison has been observing; only used in messages. */
  readonly elapsedMs?: number;
}

function asHistogram(samples: LatencySamples): LatencyHistogram {
  return samples instanceof LatencyHistogram ? samples : LatencyHistogram.of(samples);
}

function divide(a: number, b: number): number {
  if (b === 0) return a === 0 ? Number.NaN : Number.POSITIVE_INFINITY;
  return a / b;
}

export function compareLatency(observation: LatencyObservation, options?: LatencyOptions): Verdict {
  const o = resolveLatencyOptions(options);
  const canary = asHistogram(observation.canary);
  const primary = asHistogram(observation.primary);
  const q = o.quantile;
  const name = quantileName(q);
  const threshold = {
    kind: 'relative',
    quantile: q,
    maxIncreasePercent: o.maxIncreasePercent,
    maxIncreaseMs: o.maxIncreaseMs,
  } as const;
  const canaryValue = canary.count > 0 ? canary.quantile(q) : null;
  const primaryValue = primary.count > 0 ? primary.quantile(q) : null;

  const inconclusive = (reason: VerdictReason, message: string): Verdict => ({
    metric: o.metric,
    decision: 'inconclusive',
    reason,
    canaryValue,
    primaryValue,
    canarySamples: canary.count,
    primarySamples: primary.count,
    statistic: null,
    threshold,
    alpha: o.alpha,
    message,
  });

  const rejected = canary.rejected + primary.rejected;
  if (rejected > 0) {
    return inconclusive(
      'invalid-input',
      `${o.metric}: invalid input: ${rejected} latency samples are not finite non-negative numbers (canary ${canary.rejected}, primary ${primary.rejected}) — check the metric source`,
    );
  }
  const during = observation.elapsedMs === undefined ? '' : ` in ${duration(observation.elapsedMs)}`;
  const short = sampleShortfall(
    o.metric,
    { canary: canary.count, primary: primary.count, min: o.minSamples },
    during,
    { none: 'no latency samples from canary or primary', primaryNone: 'the primary has no latency samples' },
  );
  if (short) return inconclusive(short.reason, short.message);

  const c = quantileConfidenceSequence(canary, q, o.alpha / 2);
  const p = quantileConfidenceSequence(primary, q, o.alpha / 2);
  const allowed = (primaryQuantile: number): number =>
    primaryQuantile * (1 + o.maxIncreasePercent / 100) + o.maxIncreaseMs;

  let decision: Decision = 'inconclusive';
  let relation = 'includes';
  if (c.lo > allowed(p.hi)) {
    decision = 'fail';
    relation = 'is above';
  } else if (c.hi < allowed(p.lo)) {
    decision = 'pass';
    relation = 'is below';
  }
  const interval: Interval = { lo: divide(c.lo, p.hi), hi: divide(c.hi, p.lo) };
  const limit = `+${o.maxIncreasePercent}%` + (o.maxIncreaseMs > 0 ? ` +${millis(o.maxIncreaseMs)}` : '');
  const next = decision === 'inconclusive' ? ' (not enough traffic yet: keep observing)' : '';
  const message =
    `${o.metric} ${name} canary ${millis(canaryValue ?? Number.NaN)} [${millis(c.lo)}, ${millis(c.hi)}] (n=${canary.count}) ` +
    `vs primary ${millis(primaryValue ?? Number.NaN)} [${millis(p.lo)}, ${millis(p.hi)}] (n=${primary.count}): ` +
    `ratio CI [${ratio(interval.lo)}, ${ratio(interval.hi)}] ${relation} the allowed ${limit} ` +
    `at alpha ${o.alpha} -> ${decision}${next}`;

  return {
    metric: o.metric,
    decision,
    reason: 'evidence',
    canaryValue,
    primaryValue,
    canarySamples: canary.count,
    primarySamples: primary.count,
    statistic: {
      of: `${name}_canary / ${name}_primary`,
      interval,
      confidence: 1 - o.alpha,
      canary: c,
      primary: p,
    },
    threshold,
    alpha: o.alpha,
    message,
  };
}
