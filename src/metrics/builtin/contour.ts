import type { BuiltinQueries } from './types.js';

/** Contour's Envoy cluster metrics, Flagger's contour.go (clusters are `<ns>_<service>-canary_<port>`). */
export const contour: BuiltinQueries = {
  name: 'contour',
  providers: ['contour'],
  requestSuccessRate: `
sum(rate(envoy_cluster_upstream_rq{envoy_cluster_name=~"{{ namespace }}_{{ service }}-canary_[0-9a-zA-Z-]+",envoy_response_code!~"5.*"}[{{ interval }}]))
/ sum(rate(envoy_cluster_upstream_rq{envoy_cluster_name=~"{{ namespace }}_{{ service }}-canary_[0-9a-zA-Z-]+",}[{{ interval }}])) * 100`,
  requestDuration: `
histogram_quantile(0.99, sum(rate(envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=~"{{ namespace }}_{{ service }}-canary_[0-9a-zA-Z-]+",}[{{ interval }}])) by (le))`,
  durationToMs: 1,
  selectors: {
    canary: ['envoy_cluster_name=~"{{ namespace }}_{{ service }}-canary_[0-9a-zA-Z-]+"'],
    primary: ['envoy_cluster_name=~"{{ namespace }}_{{ service }}-primary_[0-9a-zA-Z-]+"'],
  },
  requests: { metric: 'envoy_cluster_upstream_rq' },
  errorMatcher: 'envoy_response_code=~"5.*"',
  latency: { metric: 'envoy_cluster_upstream_rq_time_bucket', toMs: 1 },
  labelHints: {
    envoy_cluster_name:
      'Contour names Envoy clusters <namespace>_<service>_<port>; check service.name and the HTTPProxy',
  },
  metricHints: {
    envoy_cluster_upstream_rq: "Contour's Envoy exports it on :8002/stats/prometheus; is it scraped?",
  },
};
