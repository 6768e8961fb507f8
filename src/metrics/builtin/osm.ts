import type { BuiltinQueries } from './types.js';

/** Open Service Mesh metrics, Flagger's osm.go. */
export const osm: BuiltinQueries = {
  name: 'osm',
  providers: ['osm'],
  requestSuccessRate: `
sum(rate(osm_request_total{destination_namespace="{{ namespace }}",destination_kind="Deployment",destination_name="{{ target }}",response_code!~"5.*"}[{{ interval }}]))
/ sum(rate(osm_request_total{destination_namespace="{{ namespace }}",destination_kind="Deployment",destination_name="{{ target }}"}[{{ interval }}])) * 100`,
  requestDuration: `
histogram_quantile(0.99, sum(rate(osm_request_duration_ms_bucket{destination_namespace="{{ namespace }}",destination_kind="Deployment",destination_name="{{ target }}"}[{{ interval }}])) by (le))`,
  durationToMs: 1,
  selectors: {
    canary: [
      'destination_namespace="{{ namespace }}"',
      'destination_kind="Deployment"',
      'destination_name="{{ target }}"',
    ],
    primary: [
      'destination_namespace="{{ namespace }}"',
      'destination_kind="Deployment"',
      'destination_name="{{ target }}-primary"',
    ],
  },
  requests: { metric: 'osm_request_total' },
  errorMatcher: 'response_code=~"5.*"',
  latency: { metric: 'osm_request_duration_ms_bucket', toMs: 1 },
};
