import type { BuiltinQueries } from './types.js';

/**
 * Knative's Envoy metrics by revision, Flagger's knative.go; `{{ route }}` is the latest created revision.
 * The primary is an older revision the model does not name, so this set offers no canary/primary split.
 */
export const knative: BuiltinQueries = {
  name: 'knative',
  providers: ['knative'],
  requestSuccessRate: `
sum(rate(envoy_cluster_upstream_rq{envoy_cluster_name=~"{{ namespace }}/{{ route }}",envoy_response_code!~"5.*"}[{{ interval }}]))
/ sum(rate(envoy_cluster_upstream_rq{envoy_cluster_name=~"{{ namespace }}/{{ route }}",}[{{ interval }}])) * 100`,
  requestDuration: `
histogram_quantile(0.99, sum(rate(envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=~"{{ namespace }}/{{ route }}",}[{{ interval }}])) by (le))`,
  durationToMs: 1,
  selectors: { canary: ['envoy_cluster_name=~"{{ namespace }}/{{ route }}"'], primary: [] },
  requests: { metric: 'envoy_cluster_upstream_rq' },
  errorMatcher: 'envoy_response_code=~"5.*"',
  latency: { metric: 'envoy_cluster_upstream_rq_time_bucket', toMs: 1 },
};
