/**
 * Reads Canaries and writes their status subresource. The status write replaces the status, guarded by
 * the resourceVersion read just before it, retried on conflict: only the leader writes status, so a
 * conflict means a spec edit raced us, and re-applying our status on the fresh object is correct.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Canary, CanaryStatus } from '../api/types.js';
import type { StatusStore } from '../engine/ports.js';
import { GROUP, MERGE_PATCH, plain, VERSION, type KubeClients } from './client.js';
import { retryOnConflict, toKubeError } from './failure.js';
import { namespaceOf } from '../api/defaults.js';

const PLURAL = 'canaries';
export const FINALIZER = 'finalizer.aviary.dev';

export function canaryStore(clients: KubeClients) {
  const ref = (namespace: string, name: string) => ({
    group: GROUP,
    version: VERSION,
    plural: PLURAL,
    namespace,
    name,
  });

  async function get(namespace: string, name: string): Promise<Canary> {
    try {
      return (await clients.custom.getNamespacedCustomObject(ref(namespace, name))) as Canary;
    } catch (err) {
      throw toKubeError(err, `reading canary ${namespace}/${name}`);
    }
  }

  async function patchMetadata(canary: Canary, finalizers: string[]): Promise<void> {
    const namespace = namespaceOf(canary);
    await clients.custom.patchNamespacedCustomObject(
      { ...ref(namespace, canary.metadata.name), body: { metadata: { finalizers } } },
      MERGE_PATCH,
    );
  }

  const status: StatusStore = {
    async write(canary: Canary, next: CanaryStatus) {
      const namespace = namespaceOf(canary);
      const name = canary.metadata.name;
      try {
        await retryOnConflict(async () => {
          const fresh = await get(namespace, name);
          // As stored (no undefined members), so the comparison sees what a write would change.
          const status = plain<CanaryStatus>({
            ...next,
            observedGeneration: fresh.metadata.generation ?? next.observedGeneration,
          });
          // An idle tick changes nothing: no write (a write would also wake every watcher of Canaries).
          if (isDeepStrictEqual(fresh.status ?? {}, status)) return;
          // A full replace (not a merge patch) so fields the engine cleared are removed too.
          await clients.custom.replaceNamespacedCustomObjectStatus({
            ...ref(namespace, name),
            body: { ...fresh, status },
          });
        });
      } catch (err) {
        throw toKubeError(err, `writing status of canary ${namespace}/${name}`);
      }
    },
  };

  return {
    get,
    status,
    async addFinalizer(canary: Canary): Promise<void> {
      const finalizers = canary.metadata.finalizers ?? [];
      if (!finalizers.includes(FINALIZER)) await patchMetadata(canary, [...finalizers, FINALIZER]);
    },
    async removeFinalizer(canary: Canary): Promise<void> {
      const finalizers = canary.metadata.finalizers ?? [];
      if (finalizers.includes(FINALIZER))
        await patchMetadata(
          canary,
          finalizers.filter((f) => f !== FINALIZER),
        );
    },
  };
}
