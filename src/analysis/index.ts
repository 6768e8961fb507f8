export {
  defaultRunners,
  kindsOf,
  metricInterval,
  runMetricChecks,
  thresholdRunner,
  unwiredComparisonRunner,
  verdictOf,
} from './checks.js';
export type { CheckContext, CheckRunner, CheckRunners, MetricKind, Verdict } from './checks.js';
export {
  formatBounds,
  formatValue,
  judgeReading,
  notEnoughTrafficMessage,
  thresholdBounds,
} from './threshold.js';
export type { Bounds } from './threshold.js';
