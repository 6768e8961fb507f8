/**
 * Deployment readiness, Flagger's rule (deployment_ready.go): the controller has seen the latest spec,
 * every replica runs the new template, and enough of them are available; a deployment past its
 * progress deadline will not get better by waiting, so that is reported as not retriable.
 */
import type { V1Deployment, V1DeploymentCondition } from '@kubernetes/client-node';
import type { Readiness } from '../../engine/ports.js';

export interface ReadinessRule {
  /** Percent of updated replicas that must be available (primaryReadyThreshold / canaryReadyThreshold). */
  thresholdPercent: number;
  /** The Canary's progressDeadlineSeconds, in ms: how long pods may stay unavailable. */
  deadlineMs: number;
  nowMs: number;
}

const condition = (d: V1Deployment, type: string): V1DeploymentCondition | undefined =>
  d.status?.conditions?.find((c) => c.type === type);

/** Timestamps are Dates from typed calls and strings from plain JSON; both parse. */
const timeOf = (value: Date | string | undefined) => (value === undefined ? NaN : new Date(value).getTime());

export function deploymentReadiness(d: V1Deployment, rule: ReadinessRule): Readiness {
  const name = d.metadata?.name ?? '?';
  const status = d.status ?? {};
  if ((d.metadata?.generation ?? 0) > (status.observedGeneration ?? 0))
    return {
      ready: false,
      retriable: true,
      reason: 'waiting for rollout to finish: observed deployment generation less than desired generation',
    };

  if (condition(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded')
    return {
      ready: false,
      retriable: false,
      deadlineExceeded: true,
      reason: `deployment ${name} exceeded its progress deadline — check its pods (kubectl describe deployment ${name})`,
    };

  // Pods that stayed unavailable longer than the Canary's deadline are stuck too (Flagger checks lastUpdateTime).
  const available = condition(d, 'Available');
  const stuck =
    available?.status === 'False' &&
    available.reason === 'MinimumReplicasUnavailable' &&
    timeOf(available.lastUpdateTime ?? available.lastTransitionTime) + rule.deadlineMs < rule.nowMs;
  const waiting = (reason: string): Readiness =>
    stuck
      ? {
          ready: false,
          retriable: false,
          deadlineExceeded: true,
          reason: `deployment ${name} does not have minimum availability for more than ${Math.round(rule.deadlineMs / 1000)}s (${reason})`,
        }
      : { ready: false, retriable: true, reason: `waiting for rollout to finish: ${reason}` };

  const desired = d.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const current = status.replicas ?? 0;
  const availableReplicas = status.availableReplicas ?? 0;
  if (updated < desired) return waiting(`${updated} out of ${desired} new replicas have been updated`);
  if (current > updated) return waiting(`${current - updated} old replicas are pending termination`);
  const needed = Math.floor((updated * rule.thresholdPercent) / 100);
  if (availableReplicas < needed) {
    const threshold = rule.thresholdPercent < 100 ? ` (readyThreshold ${rule.thresholdPercent}%)` : '';
    return waiting(`${availableReplicas} of ${needed}${threshold} updated replicas are available`);
  }
  return { ready: true };
}
