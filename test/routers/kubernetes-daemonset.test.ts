/**
 * `provider: kubernetes` with a DaemonSet target (Flagger's own e2e, test/kubernetes/test-daemonset.sh),
 * on the real control plane as the controller (deploy/rbac's grants): the router reads the DaemonSet (not
 * a Deployment of that name) for the selector label and ports, writes `<name>-primary` and
 * `<name>-canary`, and the apex once the primary DaemonSet has available pods (KWOK runs them).
 */
import type { V1DaemonSet, V1Service } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Canary } from '../../src/api/types.js';
import { makeClients, plain, type KubeClients } from '../../src/kube/client.js';
import { kubernetesRouter } from '../../src/routers/kubernetes/index.js';
import { canaryFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import { testCluster } from '../cluster/index.js';
import { waitFor } from '../cli/run-cli.js';
import { storeCanary } from './contract.js';

const cluster = testCluster();
let admin: KubeClients;
let controller: KubeClients;
let namespace = '';
let canary: Canary;

function daemonSet(name: string, app: string): V1DaemonSet {
  const labels = { 'app.kubernetes.io/name': app };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace, labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            { name: 'podinfod', image: 'podinfo:1', ports: [{ name: 'http', containerPort: 9898 }] },
          ],
        },
      },
    },
  };
}

const service = async (name: string) =>
  plain<V1Service>(await admin.core.readNamespacedService({ name, namespace })).spec?.selector;

beforeAll(async () => {
  admin = cluster.adminClients();
  controller = makeClients(cluster.kubeConfig(await cluster.controllerKubeconfig()));
  namespace = await cluster.newNamespace('router-k8s-ds');
  await admin.apps.createNamespacedDaemonSet({ namespace, body: daemonSet('podinfo-ds', 'podinfo-ds') });
  canary = await storeCanary(
    admin,
    canaryFor(namespace, 'podinfo-ds', {
      provider: 'kubernetes',
      targetRef: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'podinfo-ds' },
    }),
  );
}, 60_000);

afterAll(async () => {
  if (namespace) await cluster.deleteNamespace(namespace);
});

describe('provider kubernetes, DaemonSet target', () => {
  it('writes the primary and canary Services from the DaemonSet, and the apex once the primary serves', async () => {
    const router = kubernetesRouter(controller);
    await router.reconcile(canary);
    expect(await service('podinfo-ds-canary')).toEqual({ 'app.kubernetes.io/name': 'podinfo-ds' });
    expect(await service('podinfo-ds-primary')).toEqual({ 'app.kubernetes.io/name': 'podinfo-ds-primary' });
    await expect(service('podinfo-ds'), 'no apex before primary pods serve').rejects.toThrow();

    await admin.apps.createNamespacedDaemonSet({
      namespace,
      body: daemonSet('podinfo-ds-primary', 'podinfo-ds-primary'),
    });
    await waitFor(
      'primary DaemonSet available',
      async () =>
        plain<V1DaemonSet>(
          await admin.apps.readNamespacedDaemonSet({ name: 'podinfo-ds-primary', namespace }),
        ),
      (ds) => (ds.status?.numberAvailable ?? 0) > 0,
      120_000,
    );
    await router.reconcile(canary);
    expect(await service('podinfo-ds')).toEqual({ 'app.kubernetes.io/name': 'podinfo-ds-primary' });
  }, 180_000);
});
