/** The status fields every source shows, copied without inventing values for the absent ones. */
import type { CanaryStatus } from '../api/types.js';
import type { CanaryView } from './types.js';

export function statusFields(status: CanaryStatus): Omit<CanaryView, 'name' | 'namespace' | 'events'> {
  return {
    ...(status.phase ? { phase: status.phase } : {}),
    ...(status.canaryWeight === undefined ? {} : { canaryWeight: status.canaryWeight }),
    ...(status.failedChecks === undefined ? {} : { failedChecks: status.failedChecks }),
    ...(status.iterations === undefined ? {} : { iterations: status.iterations }),
    lastChecks: status.lastChecks ?? [],
    ...(status.failureReason ? { failureReason: status.failureReason } : {}),
    ...(status.lastTransitionTime ? { lastTransitionTime: status.lastTransitionTime } : {}),
  };
}
