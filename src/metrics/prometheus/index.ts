export { PrometheusClient, DEFAULT_TIMEOUT_MS } from './client.js';
export type {
  FetchLike,
  FetchInit,
  FetchResponse,
  PrometheusAuth,
  PrometheusClientOptions,
  QueryData,
} from './client.js';
export { diagnoseNoData } from './diagnose.js';
export type { DiagnoseOptions, DiagnosisHints } from './diagnose.js';
export { interpretQueryData } from './result.js';
export { latencySample } from './latency.js';
export { extractSelectors, formatSelector, matcherAccepts } from './selectors.js';
export type { LabelMatcher, VectorSelector } from './selectors.js';
export { createPrometheusMetricSource } from './source.js';
export type { PrometheusMetricSourceOptions } from './source.js';
