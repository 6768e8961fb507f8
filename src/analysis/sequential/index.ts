/**
 * Aviary's statistical canary judge: pure functions that compare the canary with the primary running
 * at the same time, with tests whose false-alarm rate stays below alpha however often they look.
 */
export type { Decision, SequentialStatistic, Verdict, VerdictReason, VerdictThreshold } from './verdict.js';
export {
  DEFAULT_ALPHA,
  DEFAULT_MAX_ERROR_INCREASE,
  DEFAULT_MAX_LATENCY_INCREASE_PERCENT,
  DEFAULT_MIN_SAMPLES,
  DEFAULT_QUANTILE,
  type ErrorRateOptions,
  type LatencyOptions,
} from './options.js';
export { compareErrorRates, type ErrorRateObservation, type OutcomeCounts } from './error-rate.js';
export { compareLatency, type LatencyObservation, type LatencySamples } from './latency.js';
export { LatencyHistogram } from './latency-histogram.js';
export { countAcceptanceBand, type Interval, proportionConfidenceSequence } from './beta-binomial.js';
export { quantileConfidenceSequence } from './quantile-confidence-sequence.js';
export { errorRateOptionsFromSpec, latencyOptionsFromSpec } from './spec.js';
export { describeThreshold, toCheckResult } from './check-result.js';
