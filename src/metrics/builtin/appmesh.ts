import { byPodName } from './by-pod-name.js';
import type { BuiltinQueries } from './types.js';

/** App Mesh's Envoy metrics by pod name, Flagger's appmesh.go. */
export const appmesh: BuiltinQueries = {
  name: 'appmesh',
  providers: ['appmesh*'],
  ...byPodName({
    requests: 'envoy_cluster_upstream_rq',
    bucket: 'envoy_cluster_upstream_rq_time_bucket',
    statusLabel: 'envoy_response_code',
    toMs: 1,
  }),
  labelHints: {
    kubernetes_pod_name:
      "it comes from the scrape config's pod relabeling; canary pods are named <target>-<hash>-<hash>",
  },
};
