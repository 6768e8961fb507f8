/**
 * Error rate, canary vs primary, judged with a confidence sequence for the difference of proportions.
 *
 * Math. Let p_c and p_p be the canary's and the primary's error probabilities and D = p_c - p_p.
 * Each version gets its own beta-binomial confidence sequence at level alpha/2 (./beta-binomial.ts,
 * Robbins 1970; Howard et al. 2021). By the union bound both hold at every look with probability
 * >= 1 - alpha, and then D lies in
 *
 *   [ lo_c - hi_p , hi_c - lo_p ]      (a confidence sequence for D, valid uniformly over time).
 *
 * With the non-inferiority margin m (`maxIncrease`):
 *   fail  when lo_c - hi_p > m   (rejects H0: D <= m; a false fail needs a coverage miss: prob <= alpha)
 *   pass  when hi_c - lo_p < m   (rejects H0: D >= m; same argument)
 *   inconclusive otherwise: the interval still contains m, keep observing.
 * Because the guarantee holds for every look at once, the engine may call this after every request,
 * every second or every interval, and stop at the first pass or fail, without inflating alpha. This is
 * what the Flagger-style "check the last minute, fail after N bad checks" rule lacks (Johari et al.
 * 2022, "Always valid inference: continuous monitoring of A/B tests"; Lindon et al. 2022, "Rapid
 * regression detection in software deployments through sequential testing").
 *
 * Inputs must be CUMULATIVE counts since the comparison started, not a sliding window: the
 * martingale argument is about the whole sequence. The canary's share of traffic may change between
 * looks (weight steps); each version's sequence is about its own requests only, so that is fine.
 * Assumption: within each version, requests fail independently with a constant probability (see the
 * limitations in the README of this folder).
 */
import { proportionConfidenceSequence } from './beta-binomial.js';
import { duration, percent, percentagePoints, percentShort } from './format.js';
import { type ErrorRateOptions, resolveErrorRateOptions } from './options.js';
import { canaryRequestsToDecide, FORECAST_LIMIT } from './requests-needed.js';
import { sampleShortfall } from './sample-shortfall.js';
import type { Decision, Verdict, VerdictReason } from './verdict.js';

export interface OutcomeCounts {
  readonly requests: number;
  readonly errors: number;
}

export interface ErrorRateObservation {
  /** Requests and errors of the canary since the comparison started (cumulative). */
  readonly canary: OutcomeCounts;
  /** Requests and errors of the primary over the same time. */
  readonly primary: OutcomeCounts;
  /** How long the comparison has been observing; only used in messages. */
  readonly elapsedMs?: number;
}

function countsProblem(name: string, counts: OutcomeCounts): string | null {
  const { requests, errors } = counts;
  if (!Number.isFinite(requests) || !Number.isFinite(errors)) {
    return `${name} counts are not numbers (requests=${requests}, errors=${errors})`;
  }
  if (!Number.isInteger(requests) || !Number.isInteger(errors) || requests < 0 || errors < 0) {
    return `${name} counts must be whole numbers >= 0 (requests=${requests}, errors=${errors})`;
  }
  if (errors > requests) return `${name} has more errors (${errors}) than requests (${requests})`;
  return null;
}

export function compareErrorRates(observation: ErrorRateObservation, options?: ErrorRateOptions): Verdict {
  const o = resolveErrorRateOptions(options);
  const { canary, primary } = observation;
  const threshold = { kind: 'margin', maxIncrease: o.maxIncrease } as const;

  const inconclusive = (reason: VerdictReason, message: string): Verdict => {
    const usable = countsProblem('canary', canary) === null && countsProblem('primary', primary) === null;
    return {
      metric: o.metric,
      decision: 'inconclusive',
      reason,
      canaryValue: usable && canary.requests > 0 ? canary.errors / canary.requests : null,
      primaryValue: usable && primary.requests > 0 ? primary.errors / primary.requests : null,
      canarySamples: usable ? canary.requests : 0,
      primarySamples: usable ? primary.requests : null,
      statistic: null,
      threshold,
      alpha: o.alpha,
      message,
    };
  };

  const problem = countsProblem('canary', canary) ?? countsProblem('primary', primary);
  if (problem !== null) {
    return inconclusive('invalid-input', `${o.metric}: invalid input: ${problem} — check the metric source`);
  }
  const during = observation.elapsedMs === undefined ? '' : ` in ${duration(observation.elapsedMs)}`;
  const short = sampleShortfall(
    o.metric,
    { canary: canary.requests, primary: primary.requests, min: o.minSamples },
    during,
    { none: 'neither canary nor primary received requests', primaryNone: 'the primary received no requests' },
  );
  if (short) return inconclusive(short.reason, short.message);

  // alpha/2 per version: the union bound makes both hold together with probability >= 1 - alpha.
  const c = proportionConfidenceSequence(canary.errors, canary.requests, o.alpha / 2);
  const p = proportionConfidenceSequence(primary.errors, primary.requests, o.alpha / 2);
  const lo = c.lo - p.hi;
  const hi = c.hi - p.lo;
  const margin = o.maxIncrease;

  let decision: Decision = 'inconclusive';
  let relation = 'includes';
  if (lo > margin) {
    decision = 'fail';
    relation = 'is above';
  } else if (hi < margin) {
    decision = 'pass';
    relation = 'is below';
  }
  const canaryRate = canary.errors / canary.requests;
  const primaryRate = primary.errors / primary.requests;
  const next =
    decision === 'inconclusive' ? ` (${trafficForecast(canary, primary, o, observation.elapsedMs)})` : '';
  const message =
    `${o.metric === 'error-rate' ? 'error rate' : o.metric} canary ${percent(canaryRate)} (n=${canary.requests}) ` +
    `vs primary ${percent(primaryRate)} (n=${primary.requests}): difference CI ` +
    `[${percentShort(lo)}, ${percentShort(hi)}] ${relation} the ${percentagePoints(margin)} margin ` +
    `at alpha ${o.alpha} -> ${decision}${next}`;

  return {
    metric: o.metric,
    decision,
    reason: 'evidence',
    canaryValue: canaryRate,
    primaryValue: primaryRate,
    canarySamples: canary.requests,
    primarySamples: primary.requests,
    statistic: {
      of: 'p_canary - p_primary',
      interval: { lo, hi },
      confidence: 1 - o.alpha,
      canary: c,
      primary: p,
    },
    threshold,
    alpha: o.alpha,
    message,
  };
}

/** What an inconclusive comparison is waiting for, in requests and (with the elapsed time) in time. */
function trafficForecast(
  canary: OutcomeCounts,
  primary: OutcomeCounts,
  o: { maxIncrease: number; alpha: number },
  elapsedMs: number | undefined,
): string {
  const needed = canaryRequestsToDecide(canary, primary, o.maxIncrease, o.alpha);
  if (needed === undefined) {
    const difference = canary.errors / canary.requests - primary.errors / primary.requests;
    return `more traffic may not decide this: the observed difference (${percentagePoints(difference)}) sits on the ${percentagePoints(o.maxIncrease)} margin, and at these rates even ${FORECAST_LIMIT.toLocaleString('en-US')} canary requests would not settle it`;
  }
  const more = Math.max(1, needed - canary.requests);
  const perSecond = elapsedMs && elapsedMs > 0 ? (canary.requests * 1000) / elapsedMs : 0;
  const wait =
    perSecond > 0
      ? `, about ${duration((more / perSecond) * 1000)} at the canary's ${perSecond.toFixed(1)} req/s`
      : '';
  return `not enough traffic yet: about ${roughly(needed)} canary requests would decide at these rates, ${roughly(more)} more${wait}`;
}

/** Two significant figures: a forecast is not more precise than that. */
function roughly(n: number): string {
  return Number(n.toPrecision(2)).toLocaleString('en-US');
}
