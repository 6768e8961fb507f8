import type { BuiltinQueries } from './types.js';

/**
 * The application's own `http_request_duration_seconds` histogram, by pod name (Flagger's http.go), for the
 * `kubernetes` and `gatewayapi` providers. The duration query returns seconds; Flagger converts in Go.
 */
export const http: BuiltinQueries = {
  name: 'http',
  providers: ['kubernetes', 'gatewayapi*'],
  requestSuccessRate: `
sum(rate(http_request_duration_seconds_count{kubernetes_namespace="{{ namespace }}",kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)",status!~"5.*"}[{{ interval }}]))
/ sum(rate(http_request_duration_seconds_count{kubernetes_namespace="{{ namespace }}",kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[{{ interval }}])) * 100`,
  requestDuration: `
histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket{kubernetes_namespace="{{ namespace }}",kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[{{ interval }}])) by (le))`,
  durationToMs: 1000,
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
  requests: { metric: 'http_request_duration_seconds_count' },
  errorMatcher: 'status=~"5.*"',
  latency: { metric: 'http_request_duration_seconds_bucket', toMs: 1000 },
  labelHints: {
    kubernetes_pod_name:
      "it comes from the scrape config's pod relabeling (kubernetes_pod_name); canary pods are named <target>-<hash>-<hash>",
  },
  metricHints: {
    http_request_duration_seconds_count:
      "the kubernetes and gatewayapi providers read the application's own http_request_duration_seconds histogram; " +
      'does the app export it, and does Prometheus scrape the pods?',
  },
};
