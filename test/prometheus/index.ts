/** Real-Prometheus test helpers for this repository's integration and e2e tests. */
export {
  PROMETHEUS_BINARY,
  freePort,
  prometheusAvailable,
  requirePrometheus,
  startPrometheus,
} from './prometheus.js';
export type { RunningPrometheus, StartPrometheusOptions } from './prometheus.js';
export { DEFAULT_BUCKETS_MS, istioLabels, istioTraffic, startExporter } from './exporter.js';
export type { Exporter, Labels, MetricType } from './exporter.js';
