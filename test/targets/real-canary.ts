/**
 * The Canary a target test runs against, created on the cluster: the copies Aviary writes name it as
 * their owner, and the garbage collector checks that.
 */
import { namespaceOf } from '../../src/api/defaults.js';
import type { Canary } from '../../src/api/types.js';
import { GROUP, VERSION, type KubeClients } from '../../src/kube/client.js';

export async function createCanary(admin: KubeClients, canary: Canary): Promise<Canary> {
  const body = structuredClone(canary);
  delete (body.metadata as { uid?: string }).uid; // the API server gives it one
  return (await admin.custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'canaries',
    namespace: namespaceOf(body),
    body,
  })) as Canary;
}
