import type { BuiltinQueries } from './types.js';

/** Kuma's Envoy metrics by service tag, Flagger's kuma.go. */
export const kuma: BuiltinQueries = {
  name: 'kuma',
  providers: ['kuma'],
  requestSuccessRate: `
sum(rate(envoy_cluster_upstream_rq{service=~"{{ target }}-canary_{{ namespace }}_svc_[0-9a-zA-Z-]+",envoy_response_code!~"5.*"}[{{ interval }}]))
/ sum(rate(envoy_cluster_upstream_rq{service=~"{{ target }}-canary_{{ namespace }}_svc_[0-9a-zA-Z-]+",}[{{ interval }}])) * 100`,
  requestDuration: `
histogram_quantile(0.99, sum(rate(envoy_cluster_upstream_rq_time_bucket{service=~"{{ target }}-canary_{{ namespace }}_svc_[0-9a-zA-Z-]+",}[{{ interval }}])) by (le))`,
  durationToMs: 1,
  selectors: {
    canary: ['service=~"{{ target }}-canary_{{ namespace }}_svc_[0-9a-zA-Z-]+"'],
    primary: ['service=~"{{ target }}-primary_{{ namespace }}_svc_[0-9a-zA-Z-]+"'],
  },
  requests: { metric: 'envoy_cluster_upstream_rq' },
  errorMatcher: 'envoy_response_code=~"5.*"',
  latency: { metric: 'envoy_cluster_upstream_rq_time_bucket', toMs: 1 },
};
