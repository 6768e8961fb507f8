import type { Registry } from './registry.js';
import type { RestStore } from './rest-store.js';
import type { Store } from './store.js';
import { canonicalJson, isObject, nowTime, type KubeObject, type StoreEvent } from './types.js';

/** Annotation that keeps a Deployment's pods from ever becoming ready (to test progress deadlines). */
export const STUCK_ANNOTATION = 'harness.aviary.dev/stuck';

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/**
 * A stand-in for the deployment controller and kubelets: shortly after a Deployment changes, its
 * status reports the rollout as complete (observedGeneration, replica counts, Available and
 * Progressing conditions), unless the Deployment carries the stuck annotation; a stuck Deployment
 * reports ProgressDeadlineExceeded once spec.progressDeadlineSeconds have passed since its last
 * spec change. Status is written through the /status semantics, so watchers see MODIFIED events.
 */
export class DeploymentSimulator {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** When the current generation of each Deployment started rolling out (for the progress deadline). */
  private readonly rolloutStarted = new Map<string, { generation: number; at: number }>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
    private readonly rest: RestStore,
    private readonly delayMs: number,
  ) {
    this.unsubscribe = store.subscribe((event) => this.onEvent(event));
  }

  stop(): void {
    this.unsubscribe();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private onEvent(event: StoreEvent): void {
    if (event.gr !== 'apps/deployments') return;
    const key = `${event.object.metadata.namespace ?? ''}/${event.object.metadata.name ?? ''}`;
    if (event.type === 'DELETED') {
      this.rolloutStarted.delete(key);
      clearTimeout(this.timers.get(key));
      this.timers.delete(key);
      return;
    }
    const generation = event.object.metadata.generation ?? 1;
    if (this.rolloutStarted.get(key)?.generation !== generation)
      this.rolloutStarted.set(key, { generation, at: Date.now() });
    this.schedule(key, this.delayMs);
  }

  private schedule(key: string, delayMs: number): void {
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.reconcile(key);
    }, delayMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  private reconcile(key: string): void {
    const [namespace = '', name = ''] = key.split('/');
    const deployment = this.store.get('apps/deployments', namespace, name);
    const rt = this.registry.get('apps', 'deployments');
    if (!deployment || !rt) return;
    const desired = this.desiredStatus(key, deployment);
    if (canonicalJson(desired) === canonicalJson(deployment.status ?? {})) return;
    this.rest.mutate(rt, namespace, name, (d) => (d.status = desired), 'status');
  }

  private desiredStatus(key: string, d: KubeObject): Record<string, unknown> {
    const spec = isObject(d.spec) ? d.spec : {};
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const stuck = d.metadata.annotations?.[STUCK_ANNOTATION] === 'true' && replicas > 0;
    const rsName = `${d.metadata.name ?? ''}-${templateHash(spec.template)}`;
    const previous =
      isObject(d.status) && Array.isArray(d.status.conditions) ? (d.status.conditions as Condition[]) : [];
    const counts: Record<string, number> = stuck
      ? { replicas, updatedReplicas: replicas, unavailableReplicas: replicas }
      : { replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas };
    let conditions: Omit<Condition, 'lastUpdateTime' | 'lastTransitionTime'>[];
    if (!stuck) {
      conditions = [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
        },
      ];
    } else {
      const deadlineMs =
        (typeof spec.progressDeadlineSeconds === 'number' ? spec.progressDeadlineSeconds : 600) * 1000;
      const started = this.rolloutStarted.get(key)?.at ?? Date.now();
      const remaining = started + deadlineMs - Date.now();
      if (remaining > 0) this.schedule(key, remaining + 5);
      conditions = [
        {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
        remaining > 0
          ? {
              type: 'Progressing',
              status: 'True',
              reason: 'ReplicaSetUpdated',
              message: `ReplicaSet "${rsName}" is progressing.`,
            }
          : {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: `ReplicaSet "${rsName}" has timed out progressing.`,
            },
      ];
    }
    // Keep timestamps of unchanged conditions, so that an unchanged status compares equal.
    const now = nowTime();
    const withTimes = conditions.map((c) => {
      const old = previous.find((p) => p.type === c.type);
      const same = old && old.status === c.status && old.reason === c.reason && old.message === c.message;
      return {
        ...c,
        lastUpdateTime: same ? (old.lastUpdateTime ?? now) : now,
        lastTransitionTime: old && old.status === c.status ? (old.lastTransitionTime ?? now) : now,
      };
    });
    // Counts of zero are omitted on the wire (omitempty), as the real controller's status shows.
    const nonZero = Object.fromEntries(Object.entries(counts).filter(([, v]) => v !== 0));
    return { observedGeneration: d.metadata.generation ?? 1, ...nonZero, conditions: withTimes };
  }
}

/** A stable stand-in for pod-template-hash. */
function templateHash(template: unknown): string {
  let h = 0;
  for (const ch of canonicalJson(template ?? {})) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h.toString(36).slice(0, 10).padStart(6, 'x');
}
