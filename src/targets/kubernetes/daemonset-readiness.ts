/**
 * DaemonSet readiness, Flagger's rule (daemonset_ready.go, after `kubectl rollout status`): the
 * controller has seen the latest spec, every node that should run a pod runs the new template, and
 * enough of those pods are available. A DaemonSet has no progress-deadline condition of its own, so the
 * Canary's deadline is counted from its last phase transition: past it, waiting will not help.
 */
import type { V1DaemonSet } from '@kubernetes/client-node';
import type { Readiness } from '../../engine/ports.js';
import type { ReadinessRule } from './readiness.js';

export interface DaemonSetReadinessRule extends ReadinessRule {
  /** When the Canary last changed phase (ms since the epoch); the deadline runs from there. */
  sinceMs: number;
}

export function daemonSetReadiness(ds: V1DaemonSet, rule: DaemonSetReadinessRule): Readiness {
  const name = ds.metadata?.name ?? '?';
  const status = ds.status;
  if (!status || (ds.metadata?.generation ?? 0) > (status.observedGeneration ?? 0))
    return {
      ready: false,
      retriable: true,
      reason: 'waiting for rollout to finish: observed daemonset generation less than desired generation',
    };
  const desired = status.desiredNumberScheduled;
  const updated = status.updatedNumberScheduled ?? 0;
  const available = status.numberAvailable ?? 0;
  const needed = Math.floor((desired * rule.thresholdPercent) / 100);
  let waitingFor: string | undefined;
  if (updated < desired) waitingFor = `${updated} out of ${desired} new pods have been updated`;
  else if (available < needed) {
    const threshold = rule.thresholdPercent < 100 ? ` (readyThreshold ${rule.thresholdPercent}%)` : '';
    waitingFor = `${available} of ${needed}${threshold} updated pods are available`;
  }
  if (waitingFor === undefined) return { ready: true };
  if (rule.sinceMs + rule.deadlineMs < rule.nowMs)
    return {
      ready: false,
      retriable: false,
      deadlineExceeded: true,
      reason: `daemonset ${name} exceeded its progressDeadlineSeconds (${Math.round(rule.deadlineMs / 1000)}s): ${waitingFor} — check its pods (kubectl describe daemonset ${name})`,
    };
  return { ready: false, retriable: true, reason: `waiting for rollout to finish: ${waitingFor}` };
}
