import type { BuiltinQueries } from './types.js';

/** Gloo's Envoy cluster metrics, Flagger's gloo.go (upstreams `<ns>-<apex>-canaryupstream-<port>`). */
export const gloo: BuiltinQueries = {
  name: 'gloo',
  providers: ['gloo*'],
  requestSuccessRate: `
sum(rate(envoy_cluster_upstream_rq{envoy_cluster_name=~"{{ namespace }}-{{ target }}-canaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+",envoy_response_code!~"5.*"}[{{ interval }}]))
/ sum(rate(envoy_cluster_upstream_rq{envoy_cluster_name=~"{{ namespace }}-{{ target }}-canaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+",}[{{ interval }}])) * 100`,
  requestDuration: `
histogram_quantile(0.99, sum(rate(envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=~"{{ namespace }}-{{ target }}-canaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+",}[{{ interval }}])) by (le))`,
  durationToMs: 1,
  selectors: {
    canary: ['envoy_cluster_name=~"{{ namespace }}-{{ target }}-canaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+"'],
    primary: [
      'envoy_cluster_name=~"{{ namespace }}-{{ target }}-primaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+"',
    ],
  },
  requests: { metric: 'envoy_cluster_upstream_rq' },
  errorMatcher: 'envoy_response_code=~"5.*"',
  latency: { metric: 'envoy_cluster_upstream_rq_time_bucket', toMs: 1 },
};
