/** The fields every source shows, copied without inventing values for the absent ones. */
import { failureThreshold, maxWeight } from '../api/defaults.js';
import type { Canary, CanaryStatus } from '../api/types.js';
import { thresholdBounds } from '../analysis/threshold.js';
import type { CanaryView } from './types.js';

export function statusFields(status: CanaryStatus): Omit<CanaryView, 'name' | 'namespace' | 'events'> {
  return {
    ...(status.phase ? { phase: status.phase } : {}),
    ...(status.canaryWeight === undefined ? {} : { canaryWeight: status.canaryWeight }),
    ...(status.failedChecks === undefined ? {} : { failedChecks: status.failedChecks }),
    ...(status.iterations === undefined ? {} : { iterations: status.iterations }),
    lastChecks: status.lastChecks ?? [],
    ...(status.observedTraffic ? { observedTraffic: status.observedTraffic } : {}),
    ...(status.paused ? { paused: true } : {}),
    ...(status.failureReason ? { failureReason: status.failureReason } : {}),
    ...(status.lastTransitionTime ? { lastTransitionTime: status.lastTransitionTime } : {}),
  };
}

/** What the spec adds to the view: the weight the analysis stops at, the failed-check limit, thresholds. */
export function specFields(
  spec: Canary['spec'] | undefined,
): Pick<CanaryView, 'maxWeight' | 'threshold' | 'thresholds'> {
  const analysis = spec?.analysis ?? {};
  const thresholds: NonNullable<CanaryView['thresholds']> = {};
  for (const metric of analysis.metrics ?? []) {
    const bounds = thresholdBounds(metric);
    if (bounds.min !== undefined || bounds.max !== undefined) thresholds[metric.name] = bounds;
  }
  return {
    maxWeight: maxWeight(analysis),
    threshold: failureThreshold(analysis),
    ...(Object.keys(thresholds).length > 0 ? { thresholds } : {}),
  };
}
