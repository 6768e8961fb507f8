import type { BuiltinQueries } from './types.js';

/** Istio telemetry v2 (`istio_requests_total`, `istio_request_duration_milliseconds_bucket`), Flagger's istio.go. */
export const istio: BuiltinQueries = {
  name: 'istio',
  // Flagger's observer factory sends SMI providers (and anything unknown) to the Istio queries.
  providers: ['istio', 'smi*'],
  requestSuccessRate: `
sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="{{ namespace }}",destination_workload=~"{{ target }}",response_code!~"5.*"}[{{ interval }}]))
/ sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="{{ namespace }}",destination_workload=~"{{ target }}"}[{{ interval }}])) * 100`,
  requestDuration: `
histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload_namespace="{{ namespace }}",destination_workload=~"{{ target }}"}[{{ interval }}])) by (le))`,
  durationToMs: 1,
  selectors: {
    canary: [
      'reporter="destination"',
      'destination_workload_namespace="{{ namespace }}"',
      'destination_workload=~"{{ target }}"',
    ],
    primary: [
      'reporter="destination"',
      'destination_workload_namespace="{{ namespace }}"',
      'destination_workload=~"{{ target }}-primary"',
    ],
  },
  requests: { metric: 'istio_requests_total' },
  errorMatcher: 'response_code=~"5.*"',
  latency: { metric: 'istio_request_duration_milliseconds_bucket', toMs: 1 },
  labelHints: {
    reporter:
      'every sidecar reports each request twice (reporter="source" and "destination"); if neither value shows, ' +
      'a relabel rule in the Prometheus scrape config is dropping the label (flagger#1365)',
    destination_workload:
      'Istio sets it to the name of the Deployment that received the request; Aviary queries the canary ' +
      'workload (targetRef.name). "unknown" means the destination has no sidecar (or runs in ambient mode ' +
      'without a waypoint, where only L4 metrics exist); only "<target>-primary" means no traffic reached the canary',
    destination_workload_namespace: 'it is the namespace of the workload that received the request',
  },
  metricHints: {
    istio_requests_total:
      'Istio exports it from every sidecar (port 15020 /stats/prometheus); check that Prometheus scrapes the ' +
      'sidecars (flagger#1365) and that the pods have a sidecar injected',
    istio_request_duration_milliseconds_bucket:
      'Istio >= 1.5 (telemetry v2) exports it; older Istio exported istio_request_duration_seconds_bucket (flagger#478)',
  },
};
