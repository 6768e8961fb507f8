/**
 * The Knative Service target, as the controller picks it for a targetRef to a Knative Service, on the real control plane, run as the controller (deploy/rbac's grants),
 * against Knative's own Service and Revision CRDs. Knative Serving's controller does not run here, so
 * the test writes what it would report: the latest created revision on the Service, Ready on a Revision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Canary } from '../../src/api/types.js';
import { makeClients, type KubeClients } from '../../src/kube/client.js';
import { KNATIVE_GROUP, KNATIVE_VERSION, PRIMARY_REVISION } from '../../src/routers/knative/index.js';
import { kubernetesWorkloadTarget } from '../../src/targets/kubernetes/index.js';
import { canaryFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import { testCluster } from '../cluster/index.js';
import { storeCanary } from '../routers/contract.js';

const cluster = testCluster();
const admin = cluster.adminClients();
const apiVersion = `${KNATIVE_GROUP}/${KNATIVE_VERSION}`;
let namespace = '';
let controller: KubeClients;

const at = (plural: string) => ({ group: KNATIVE_GROUP, version: KNATIVE_VERSION, namespace, plural });

/** What Knative Serving reports when it has created `name` as the Service's latest revision. */
async function revisionCreated(name: string, ready: { status: string; reason?: string; message?: string }) {
  await admin.custom.createNamespacedCustomObject({
    ...at('revisions'),
    body: {
      apiVersion,
      kind: 'Revision',
      metadata: { name, namespace },
      spec: { containers: [{ image: 'podinfo' }] },
    },
  });
  await setReady(name, ready);
  await admin.custom.patchNamespacedCustomObjectStatus({
    ...at('services'),
    name: 'podinfo',
    body: [{ op: 'add', path: '/status', value: { latestCreatedRevisionName: name } }],
  });
}

async function setReady(name: string, ready: { status: string; reason?: string; message?: string }) {
  await admin.custom.patchNamespacedCustomObjectStatus({
    ...at('revisions'),
    name,
    body: [{ op: 'add', path: '/status', value: { conditions: [{ type: 'Ready', ...ready }] } }],
  });
}

const service = async () =>
  (await admin.custom.getNamespacedCustomObject({ ...at('services'), name: 'podinfo' })) as {
    metadata: { annotations?: Record<string, string> };
    spec: { traffic?: unknown };
  };

let canary: Canary;

beforeAll(async () => {
  namespace = await cluster.newNamespace('targets-knative');
  controller = makeClients(cluster.kubeConfig(await cluster.controllerKubeconfig()));
  await admin.custom.createNamespacedCustomObject({
    ...at('services'),
    body: {
      apiVersion,
      kind: 'Service',
      metadata: { name: 'podinfo', namespace },
      spec: { template: { spec: { containers: [{ image: 'ghcr.io/stefanprodan/podinfo:6.0.0' }] } } },
    },
  });
  const base = canaryFor(namespace, 'podinfo');
  canary = await storeCanary(admin, {
    ...base,
    spec: { ...base.spec, provider: 'knative', targetRef: { apiVersion, kind: 'Service', name: 'podinfo' } },
  });
});
afterAll(async () => {
  if (namespace) await cluster.deleteNamespace(namespace);
});

describe('Knative Service target (Flagger’s KnativeController)', () => {
  it('initialize records the latest revision as the primary, with all traffic on it, once', async () => {
    const target = kubernetesWorkloadTarget(controller);
    await revisionCreated('podinfo-00001', { status: 'Unknown', reason: 'Deploying' });
    expect(await target.initialize(canary)).toMatchObject({ ready: false, retriable: true });
    await setReady('podinfo-00001', { status: 'True' });
    expect(await target.initialize(canary)).toEqual({ ready: true });
    const live = await service();
    expect(live.metadata.annotations?.[PRIMARY_REVISION]).toBe('podinfo-00001');
    expect(live.spec.traffic).toEqual([
      { latestRevision: true, percent: 0 },
      { revisionName: 'podinfo-00001', percent: 100 },
    ]);
    expect(await target.revision(canary)).toEqual({ spec: 'podinfo-00001' });
  });

  it('a new revision is the canary; one Knative failed is not retried; promotion makes it the primary', async () => {
    const target = kubernetesWorkloadTarget(controller);
    await revisionCreated('podinfo-00002', {
      status: 'False',
      reason: 'ContainerMissing',
      message: 'image not found',
    });
    expect(await target.revision(canary)).toEqual({ spec: 'podinfo-00002' });
    expect(await target.canaryReadiness(canary)).toEqual({
      ready: false,
      reason: 'canary Knative Revision podinfo-00002 is not ready: image not found',
      retriable: false,
    });
    expect(await target.primaryReadiness(canary)).toEqual({ ready: true });
    await setReady('podinfo-00002', { status: 'True' });
    expect(await target.canaryReadiness(canary)).toEqual({ ready: true });
    await target.promote(canary);
    expect((await service()).metadata.annotations?.[PRIMARY_REVISION]).toBe('podinfo-00002');
    // A later initialize keeps the promoted primary.
    expect(await target.initialize(canary)).toEqual({ ready: true });
    expect((await service()).metadata.annotations?.[PRIMARY_REVISION]).toBe('podinfo-00002');
  });
});
