import type { BuiltinQueries } from './types.js';

/** App Mesh's Envoy metrics by pod name, Flagger's appmesh.go. */
export const appmesh: BuiltinQueries = {
  name: 'appmesh',
  providers: ['appmesh*'],
  requestSuccessRate: `
sum(rate(envoy_cluster_upstream_rq{kubernetes_namespace="{{ namespace }}",kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)",envoy_response_code!~"5.*"}[{{ interval }}]))
/ sum(rate(envoy_cluster_upstream_rq{kubernetes_namespace="{{ namespace }}",kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[{{ interval }}])) * 100`,
  requestDuration: `
histogram_quantile(0.99, sum(rate(envoy_cluster_upstream_rq_time_bucket{kubernetes_namespace="{{ namespace }}",kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[{{ interval }}])) by (le))`,
  durationToMs: 1,
  selectors: {
    canary: [
      'kubernetes_namespace="{{ namespace }}"',
      'kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"',
    ],
    primary: [
      'kubernetes_namespace="{{ namespace }}"',
      'kubernetes_pod_name=~"{{ target }}-primary-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"',
    ],
  },
  requests: { metric: 'envoy_cluster_upstream_rq' },
  errorMatcher: 'envoy_response_code=~"5.*"',
  latency: { metric: 'envoy_cluster_upstream_rq_time_bucket', toMs: 1 },
  labelHints: {
    kubernetes_pod_name:
      "it comes from the scrape config's pod relabeling; canary pods are named <target>-<hash>-<hash>",
  },
};
