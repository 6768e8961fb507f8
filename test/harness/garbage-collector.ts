import type { Registry } from './registry.js';
import { pendingFinalizers, type RestStore } from './rest-store.js';
import type { Store } from './store.js';
import type { KubeObject, ResourceType, StoreEvent } from './types.js';

/**
 * The two controllers that make deletion behave like a cluster's:
 * - the garbage collector: when an owner goes, dependents whose owners are all gone are deleted
 *   (background propagation); with propagationPolicy=Orphan their ownerReference is removed instead;
 * - the namespace controller: a Terminating namespace has its content deleted, then goes itself.
 * Both run asynchronously (next macrotask), as the real controllers do, so tests must wait for them.
 */
export class GarbageCollector {
  private readonly unsubscribe: () => void;

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
    if (event.type === 'DELETED') {
      const { uid, namespace } = event.object.metadata;
      if (uid) setTimeout(() => this.collectDependents(uid, event.propagationPolicy === 'Orphan'), 0);
      if (namespace) setTimeout(() => this.finishNamespace(namespace), 0);
    }
    if (event.gr === '/namespaces' && event.object.metadata.deletionTimestamp) {
      const name = event.object.metadata.name ?? '';
      setTimeout(() => this.finishNamespace(name), 0);
    }
  }

  private *everything(): Generator<{ rt: ResourceType; obj: KubeObject }> {
    for (const gr of this.store.groupResources()) {
      const slash = gr.indexOf('/');
      const rt = this.registry.get(gr.slice(0, slash), gr.slice(slash + 1));
      if (!rt) continue;
      for (const obj of this.store.list(gr)) yield { rt, obj };
    }
  }

  private collectDependents(ownerUid: string, orphan: boolean): void {
    const live = new Set<string>();
    const dependents: { rt: ResourceType; obj: KubeObject }[] = [];
    for (const entry of this.everything()) {
      if (entry.obj.metadata.uid) live.add(entry.obj.metadata.uid);
      if (entry.obj.metadata.ownerReferences?.some((r) => r.uid === ownerUid)) dependents.push(entry);
    }
    for (const { rt, obj } of dependents) {
      const { namespace, name = '' } = obj.metadata;
      if (orphan) {
        this.rest.mutate(rt, namespace, name, (o) => {
          o.metadata.ownerReferences = o.metadata.ownerReferences?.filter((r) => r.uid !== ownerUid);
          if (o.metadata.ownerReferences?.length === 0) delete o.metadata.ownerReferences;
        });
        continue;
      }
      const otherOwnerAlive = obj.metadata.ownerReferences?.some(
        (r) => r.uid !== ownerUid && live.has(r.uid),
      );
      if (otherOwnerAlive || obj.metadata.deletionTimestamp) continue;
      this.tryDelete(rt, obj);
    }
  }

  private finishNamespace(namespace: string): void {
    const nsType = this.registry.get('', 'namespaces');
    const ns = this.store.get('/namespaces', undefined, namespace);
    if (!nsType || !ns?.metadata.deletionTimestamp) return;
    let remaining = 0;
    for (const { rt, obj } of this.everything()) {
      if (!rt.namespaced || obj.metadata.namespace !== namespace) continue;
      remaining++;
      if (!obj.metadata.deletionTimestamp) this.tryDelete(rt, obj);
    }
    if (remaining > 0) return; // finishNamespace runs again as each object goes
    if (pendingFinalizers(ns).includes('kubernetes')) {
      this.rest.mutate(nsType, undefined, namespace, (o) => {
        (o.spec as { finalizers?: string[] }).finalizers = [];
      });
    }
  }

  private tryDelete(rt: ResourceType, obj: KubeObject): void {
    try {
      this.rest.delete({
        rt,
        version: rt.storageVersion,
        ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
        name: obj.metadata.name ?? '',
      });
    } catch {
      // Already gone: another deletion won the race, which is fine.
    }
  }
}
