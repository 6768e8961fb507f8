import { byPodName } from './by-pod-name.js';
import type { BuiltinQueries } from './types.js';

/**
 * The application's own `http_request_duration_seconds` histogram, by pod name (Flagger's http.go), for the
 * `kubernetes` and `gatewayapi` providers. The duration query returns seconds; Flagger converts in Go.
 */
export const http: BuiltinQueries = {
  name: 'http',
  providers: ['kubernetes', 'gatewayapi*'],
  ...byPodName({
    requests: 'http_request_duration_seconds_count',
    bucket: 'http_request_duration_seconds_bucket',
    statusLabel: 'status',
    toMs: 1000,
  }),
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
