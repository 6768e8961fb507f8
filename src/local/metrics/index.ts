export { RequestMetrics, METRIC_NAMES, DURATION_BUCKETS_MS } from './request-metrics.js';
export { MetricsServer } from './metrics-server.js';
export {
  OutcomeWindow,
  codeClassOf,
  type CodeClass,
  type WindowSummary,
  type OutcomeWindowOptions,
} from './outcome-window.js';
