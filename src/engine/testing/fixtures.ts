import type { Canary, CanaryAnalysis, CanarySpec } from '../../api/types.js';

/**
 * podinfo in namespace test: a 1m interval, threshold 5, stepWeight 10 up to 50, and the two builtin
 * checks (success rate >= 99 %, p99 latency <= 500 ms). Override any part.
 */
export function podinfoCanary(
  analysis: Partial<CanaryAnalysis> = {},
  spec: Partial<CanarySpec> = {},
): Canary {
  return {
    apiVersion: 'aviary.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test', uid: 'uid-podinfo', generation: 1 },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898 },
      ...spec,
      analysis: {
        interval: '1m',
        threshold: 5,
        maxWeight: 50,
        stepWeight: 10,
        metrics: [
          { name: 'request-success-rate', interval: '1m', thresholdRange: { min: 99 } },
          { name: 'request-duration', interval: '1m', thresholdRange: { max: 500 } },
        ],
        ...analysis,
      },
    },
  };
}
