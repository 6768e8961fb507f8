/**
 * What every target test file sets up on the shared control plane: the admin clients, the target under
 * test built on the controller's ServiceAccount (only deploy/rbac's grants), fresh namespaces deleted
 * after the file, and real Canaries, so the copies Aviary writes name one as their owner and the garbage
 * collector checks that.
 */
import { afterAll, beforeAll } from 'vitest';
import { namespaceOf } from '../../src/api/defaults.js';
import type { Canary } from '../../src/api/types.js';
import type { WorkloadTarget } from '../../src/engine/ports.js';
import { GROUP, VERSION, makeClients, type KubeClients } from '../../src/kube/client.js';
import { testCluster, type TestCluster } from '../cluster/index.js';

export interface TargetTest {
  cluster: TestCluster;
  /** Set before the first test runs. */
  admin: KubeClients;
  /** The controller's ServiceAccount (deploy/rbac's grants); set before the first test runs. */
  controller: KubeClients;
  /** The target under test, built on `controller`; set before the first test runs. */
  target: WorkloadTarget;
  /** A fresh namespace, deleted after the file's tests. */
  newNamespace(prefix: string): Promise<string>;
  /** Creates the Canary on the cluster (its uid is the API server's). */
  createCanary(canary: Canary): Promise<Canary>;
}

export function targetTest(build: (controller: KubeClients) => WorkloadTarget): TargetTest {
  const cluster = testCluster();
  const namespaces: string[] = [];
  const env: TargetTest = {
    cluster,
    admin: undefined as unknown as KubeClients,
    controller: undefined as unknown as KubeClients,
    target: undefined as unknown as WorkloadTarget,
    async newNamespace(prefix) {
      const ns = await cluster.newNamespace(prefix);
      namespaces.push(ns);
      return ns;
    },
    async createCanary(canary) {
      const body = structuredClone(canary);
      delete (body.metadata as { uid?: string }).uid;
      return (await env.admin.custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        plural: 'canaries',
        namespace: namespaceOf(body),
        body,
      })) as Canary;
    },
  };
  beforeAll(async () => {
    env.admin = cluster.adminClients();
    env.controller = makeClients(cluster.kubeConfig(await cluster.controllerKubeconfig()));
    env.target = build(env.controller);
  });
  afterAll(async () => {
    await Promise.all(namespaces.map((ns) => cluster.deleteNamespace(ns)));
  });
  return env;
}
