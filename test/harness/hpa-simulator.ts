import type { Registry } from './registry.js';
import type { RestStore } from './rest-store.js';
import type { Store } from './store.js';
import { canonicalJson, isObject, type KubeObject, type StoreEvent } from './types.js';

/**
 * A minimal horizontal-pod-autoscaler controller: with no metrics pipeline there is nothing to
 * compute, so it only does what every HPA does regardless of load: keep the target Deployment's
 * replicas within [minReplicas, maxReplicas] and report current/desired replicas in status.
 */
export class HpaSimulator {
  private readonly unsubscribe: () => void;
  private pending = false;

  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
    private readonly rest: RestStore,
  ) {
    this.unsubscribe = store.subscribe((event) => this.onEvent(event));
  }

  stop(): void {
    this.unsubscribe();
  }

  private onEvent(event: StoreEvent): void {
    if (event.gr !== 'autoscaling/horizontalpodautoscalers' && event.gr !== 'apps/deployments') return;
    if (this.pending) return;
    this.pending = true;
    setTimeout(() => {
      this.pending = false;
      this.reconcileAll();
    }, 20).unref();
  }

  private reconcileAll(): void {
    for (const hpa of this.store.list('autoscaling/horizontalpodautoscalers')) this.reconcile(hpa);
  }

  private reconcile(hpa: KubeObject): void {
    const hpaType = this.registry.get('autoscaling', 'horizontalpodautoscalers');
    const deployments = this.registry.get('apps', 'deployments');
    const spec = isObject(hpa.spec) ? hpa.spec : {};
    const ref = isObject(spec.scaleTargetRef) ? spec.scaleTargetRef : {};
    const namespace = hpa.metadata.namespace ?? '';
    if (!hpaType || !deployments || ref.kind !== 'Deployment' || typeof ref.name !== 'string') return;
    const target = this.store.get('apps/deployments', namespace, ref.name);
    if (!target) return;
    const min = typeof spec.minReplicas === 'number' ? spec.minReplicas : 1;
    const max = typeof spec.maxReplicas === 'number' ? spec.maxReplicas : min;
    const targetSpec = isObject(target.spec) ? target.spec : {};
    const current = typeof targetSpec.replicas === 'number' ? targetSpec.replicas : 1;
    // An HPA leaves a workload scaled to zero alone (scaling is "disabled" at 0 replicas).
    const desired = current === 0 ? 0 : Math.min(max, Math.max(min, current));
    if (desired !== current) {
      this.rest.mutate(
        deployments,
        namespace,
        ref.name,
        (d) => ((d.spec as Record<string, unknown>).replicas = desired),
      );
    }
    const targetStatus = isObject(target.status) ? target.status : {};
    const status = {
      ...(hpa.metadata.generation ? { observedGeneration: hpa.metadata.generation } : {}),
      currentReplicas: typeof targetStatus.replicas === 'number' ? targetStatus.replicas : current,
      desiredReplicas: desired,
    };
    if (canonicalJson(status) !== canonicalJson(hpa.status ?? {})) {
      this.rest.mutate(hpaType, namespace, hpa.metadata.name ?? '', (h) => (h.status = status), 'status');
    }
  }
}
