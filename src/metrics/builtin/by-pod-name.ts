/**
 * Flagger's queries for providers that tell canary from primary only by pod name (App Mesh's Envoy
 * metrics, the application's own histogram): the canary's pods are `<target>-<hash>-<hash>`, the
 * primary's `<target>-primary-<hash>-<hash>`. Each such provider differs only in its metric names,
 * the label that carries the status code and the unit of its histogram.
 */
import type { BuiltinQueries } from './types.js';

const NAMESPACE = 'kubernetes_namespace="{{ namespace }}"';
const CANARY_POD = 'kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"';
const PRIMARY_POD = 'kubernetes_pod_name=~"{{ target }}-primary-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"';

export interface PodNameMetrics {
  /** Counter of requests. */
  requests: string;
  /** Latency histogram buckets. */
  bucket: string;
  /** The label holding the HTTP status code. */
  statusLabel: string;
  /** Milliseconds per unit of the histogram (1 for ms, 1000 for seconds). */
  toMs: number;
}

export function byPodName(
  m: PodNameMetrics,
): Omit<BuiltinQueries, 'name' | 'providers' | 'labelHints' | 'metricHints'> {
  const canary = `${NAMESPACE},${CANARY_POD}`;
  return {
    requestSuccessRate: `
sum(rate(${m.requests}{${canary},${m.statusLabel}!~"5.*"}[{{ interval }}]))
/ sum(rate(${m.requests}{${canary}}[{{ interval }}])) * 100`,
    requestDuration: `
histogram_quantile(0.99, sum(rate(${m.bucket}{${canary}}[{{ interval }}])) by (le))`,
    durationToMs: m.toMs,
    selectors: { canary: [NAMESPACE, CANARY_POD], primary: [NAMESPACE, PRIMARY_POD] },
    requests: { metric: m.requests },
    errorMatcher: `${m.statusLabel}=~"5.*"`,
    latency: { metric: m.bucket, toMs: m.toMs },
  };
}
