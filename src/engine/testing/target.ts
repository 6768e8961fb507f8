import type { Canary } from '../../api/types.js';
import type { Readiness, Revision, WorkloadTarget } from '../ports.js';

/**
 * ready; not-ready (retriable, "still rolling out"); stuck (not ready and waiting will not help);
 * past-deadline (stuck because the workload's own progress deadline passed, as a Deployment reports it).
 */
export type Health = 'ready' | 'not-ready' | 'stuck' | 'past-deadline';

export interface Workload {
  revision: Revision;
  replicas: number;
}

function readiness(health: Health, who: string): Readiness {
  if (health === 'ready') return { ready: true };
  if (health === 'stuck')
    return { ready: false, retriable: false, reason: `${who} progress deadline exceeded` };
  if (health === 'past-deadline')
    return {
      ready: false,
      retriable: false,
      deadlineExceeded: true,
      reason: `${who} does not have minimum availability for more than 60s`,
    };
  return { ready: false, retriable: true, reason: `waiting for ${who} rollout to finish` };
}

/**
 * The target workload and its primary copy in memory. `deploy` plays the user applying a new version;
 * `canaryHealth` / `primaryHealth` and `primaryRolloutReadinessCalls` play pods that are slow or broken.
 */
export class InMemoryTarget implements WorkloadTarget {
  readonly canary: Workload;
  primary: Workload | undefined;
  canaryHealth: Health = 'ready';
  primaryHealth: Health = 'ready';
  /** After each promote, the primary reports "rolling out" this many times before it is ready. */
  primaryRolloutReadinessCalls = 0;
  finalized = false;
  readonly calls: string[] = [];
  private rollingOut = 0;

  constructor(
    revision: Revision | string = 'v1',
    readonly desiredReplicas = 2,
  ) {
    this.canary = {
      revision: typeof revision === 'string' ? { spec: revision } : revision,
      replicas: desiredReplicas,
    };
  }

  /** The user applies a new version of the target. */
  deploy(spec: string, trackedConfigs?: Record<string, string>): void {
    this.canary.revision = { spec, ...(trackedConfigs ? { trackedConfigs } : {}) };
  }

  initialize(_canary: Canary): Promise<Readiness> {
    this.calls.push('initialize');
    this.primary ??= { revision: { ...this.canary.revision }, replicas: this.desiredReplicas };
    return Promise.resolve(this.primaryState(false));
  }

  revision(_canary: Canary): Promise<Revision> {
    return Promise.resolve({ ...this.canary.revision });
  }

  primaryReadiness(_canary: Canary): Promise<Readiness> {
    this.calls.push('primaryReadiness');
    if (!this.primary)
      return Promise.resolve({ ready: false, retriable: true, reason: 'primary does not exist yet' });
    return Promise.resolve(this.primaryState(true));
  }

  canaryReadiness(_canary: Canary): Promise<Readiness> {
    this.calls.push('canaryReadiness');
    if (this.canaryHealth === 'ready' && this.canary.replicas === 0) {
      return Promise.resolve({ ready: false, retriable: true, reason: 'canary has 0 replicas' });
    }
    return Promise.resolve(readiness(this.canaryHealth, 'canary'));
  }

  scaleCanaryUp(_canary: Canary): Promise<void> {
    this.calls.push('scaleCanaryUp');
    this.canary.replicas = this.desiredReplicas;
    return Promise.resolve();
  }

  scaleCanaryToZero(_canary: Canary): Promise<void> {
    this.calls.push('scaleCanaryToZero');
    this.canary.replicas = 0;
    return Promise.resolve();
  }

  promote(_canary: Canary): Promise<void> {
    this.calls.push('promote');
    const changed = this.primary?.revision.spec !== this.canary.revision.spec;
    this.primary = { revision: { ...this.canary.revision }, replicas: this.desiredReplicas };
    if (changed) this.rollingOut = this.primaryRolloutReadinessCalls;
    return Promise.resolve();
  }

  finalize(_canary: Canary): Promise<void> {
    this.calls.push('finalize');
    this.canary.replicas = this.desiredReplicas;
    this.primary = undefined;
    this.finalized = true;
    return Promise.resolve();
  }

  /** Only primaryReadiness counts down a rollout; initialize just reports it. */
  private primaryState(countDown: boolean): Readiness {
    if (this.primaryHealth === 'ready' && this.rollingOut > 0) {
      if (countDown) this.rollingOut--;
      return { ready: false, retriable: true, reason: 'waiting for primary rollout to finish' };
    }
    return readiness(this.primaryHealth, 'primary');
  }
}
