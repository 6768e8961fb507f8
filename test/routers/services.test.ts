/**
 * The Services router (apex, primary, canary ClusterIP Services; Flagger's KubernetesRouter) on the
 * real control plane, running as the controller (`aviary-system/aviary`, deploy/rbac's grants only):
 * the API server's own Service semantics (clusterIP and nodePort allocation, defaults) apply, and the
 * target's primary becomes ready through the real deployment controller and KWOK's pods.
 */
import type { V1Service } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Canary, CanaryService } from '../../src/api/types.js';
import { AviaryError } from '../../src/errors.js';
import { isNotFound } from '../../src/kube/failure.js';
import { makeClients, plain, type KubeClients } from '../../src/kube/client.js';
import { kubernetesRouter } from '../../src/routers/kubernetes/router.js';
import { reconcileServices } from '../../src/routers/kubernetes/services.js';
import { deploymentTarget } from '../../src/targets/kubernetes/deployment-target.js';
import { canaryFor, deploymentFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import { WRITE_VERBS, auditMark, auditedUntilNow, describeRecord } from '../cluster/audit-fence.js';
import { CONTROLLER_USER, testCluster } from '../cluster/index.js';
import { storeCanary } from './contract.js';

const cluster = testCluster();
const admin = cluster.adminClients();
let controller: KubeClients;
const namespaces: string[] = [];
const selector = { label: 'app', value: 'podinfo' };

beforeAll(async () => {
  controller = makeClients(cluster.kubeConfig(await cluster.controllerKubeconfig()));
});
afterAll(async () => {
  await Promise.all(namespaces.map((ns) => cluster.deleteNamespace(ns)));
});

async function world(service: Partial<CanaryService> = {}): Promise<{ ns: string; canary: Canary }> {
  const ns = await cluster.newNamespace('routers-services');
  namespaces.push(ns);
  for (const name of ['podinfo-env', 'podinfo-config'])
    await admin.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name, namespace: ns }, data: { color: 'blue' } },
    });
  await admin.core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'podinfo-secret', namespace: ns }, data: {} },
  });
  await admin.apps.createNamespacedDeployment({ namespace: ns, body: deploymentFor(ns) });
  const canary = await storeCanary(admin, canaryFor(ns, 'podinfo', { service: { port: 9898, ...service } }));
  return { ns, canary };
}

async function svc(ns: string, name: string): Promise<V1Service | undefined> {
  try {
    return plain<V1Service>(await admin.core.readNamespacedService({ namespace: ns, name }));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
const replicasOf = async (ns: string) =>
  (await admin.apps.readNamespacedDeployment({ namespace: ns, name: 'podinfo' })).spec?.replicas;
const rvs = async (ns: string) =>
  (await admin.core.listNamespacedService({ namespace: ns })).items.map((s) => s.metadata?.resourceVersion);

describe('reconcileServices', () => {
  it('creates apex and primary selecting primary pods, canary selecting canary pods, with metadata and owner', async () => {
    const { ns, canary } = await world({
      apex: { labels: { tier: 'frontend' }, annotations: { 'example.com/apex': 'yes' } },
      canary: { annotations: { 'example.com/canary': 'yes' } },
    });
    await reconcileServices(controller, canary, selector);
    const apex = await svc(ns, 'podinfo');
    const primary = await svc(ns, 'podinfo-primary');
    const canarySvc = await svc(ns, 'podinfo-canary');
    expect(apex?.spec?.selector).toEqual({ app: 'podinfo-primary' });
    expect(primary?.spec?.selector).toEqual({ app: 'podinfo-primary' });
    expect(canarySvc?.spec?.selector).toEqual({ app: 'podinfo' });
    expect(apex?.spec).toMatchObject({
      type: 'ClusterIP',
      ports: [{ name: 'http', port: 9898, targetPort: 9898, protocol: 'TCP' }],
    });
    expect(apex?.metadata?.labels).toEqual({ tier: 'frontend', app: 'podinfo' });
    expect(apex?.metadata?.annotations).toMatchObject({ 'example.com/apex': 'yes' });
    expect(canarySvc?.metadata?.annotations).toMatchObject({ 'example.com/canary': 'yes' });
    expect(canarySvc?.metadata?.labels).toEqual({ app: 'podinfo-canary' });
    expect(primary?.metadata?.ownerReferences?.[0]?.uid).toBe(canary.metadata.uid);
  });

  it('uses portName, targetPort and appProtocol, and adds discovered container ports', async () => {
    const { ns, canary } = await world({
      portName: 'grpc',
      targetPort: 'http',
      appProtocol: 'grpc',
      portDiscovery: true,
    });
    const podSpec = deploymentFor(ns).spec?.template.spec;
    await reconcileServices(controller, canary, selector, { podSpec });
    expect((await svc(ns, 'podinfo-canary'))?.spec?.ports).toEqual([
      { name: 'grpc', port: 9898, targetPort: 'http', protocol: 'TCP', appProtocol: 'grpc' },
      { name: 'http-metrics', port: 9797, targetPort: 9797, protocol: 'TCP' },
      { name: 'tcp-podinfod-2', port: 9999, targetPort: 9999, protocol: 'TCP' },
    ]);
  });

  it('writes nothing when nothing changed, and keeps the clusterIP when the port changes', async () => {
    const { ns, canary } = await world();
    await reconcileServices(controller, canary, selector);
    const before = await rvs(ns);
    const ip = (await svc(ns, 'podinfo'))?.spec?.clusterIP;
    const mark = auditMark(cluster.kubeconfig);
    await reconcileServices(controller, canary, selector);
    expect(await rvs(ns)).toEqual(before);
    // A no-op replace leaves resourceVersion alone on a real server: the audit log shows any write.
    const writes = (await auditedUntilNow(mark, CONTROLLER_USER, controller, ns)).filter(
      (r) => r.namespace === ns && WRITE_VERBS.has(r.verb),
    );
    expect(writes.map(describeRecord)).toEqual([]);

    const moved = { ...canary, spec: { ...canary.spec, service: { ...canary.spec.service, port: 8080 } } };
    await reconcileServices(controller, moved, selector);
    const apex = await svc(ns, 'podinfo');
    expect(apex?.spec?.ports?.[0]).toMatchObject({ port: 8080, targetPort: 8080 });
    expect(apex?.spec?.clusterIP).toBe(ip);
  });

  it("takes over the user's apex Service selector but leaves its metadata, and finalize gives it back", async () => {
    const { ns, canary } = await world();
    const lastApplied = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Service',
      spec: { selector: { app: 'podinfo' } },
    });
    // A NodePort Service of the user's; the API server allocates its nodePort (ports are cluster-wide).
    const created = await admin.core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: {
          name: 'podinfo',
          namespace: ns,
          labels: { mine: 'yes' },
          annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied },
        },
        spec: {
          type: 'NodePort',
          selector: { app: 'podinfo' },
          ports: [{ name: 'http', port: 9898, targetPort: 9898 }],
        },
      },
    });
    const nodePort = created.spec?.ports?.[0]?.nodePort;
    expect(nodePort).toBeGreaterThan(0);
    const router = kubernetesRouter(controller);
    await router.reconcile(canary); // no primary pods yet: the apex must keep selecting the target
    expect((await svc(ns, 'podinfo'))?.spec?.selector).toEqual({ app: 'podinfo' });
    expect(await svc(ns, 'podinfo-primary')).toBeDefined();

    // Wired as the controller does: the apex moves to the primary before the target scales to zero.
    let replicasBeforeScaleToZero: number | undefined;
    const target = deploymentTarget(controller, {
      beforeScaleToZero: async (c, sel) => {
        replicasBeforeScaleToZero = await replicasOf(ns);
        await reconcileServices(controller, c, sel);
      },
    });
    // The primary's pods come from its ReplicaSet and KWOK; it is ready after minReadySeconds.
    const deadline = Date.now() + 120_000;
    while (!(await target.initialize(canary)).ready) {
      if (Date.now() > deadline) throw new Error('podinfo-primary never became ready');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(replicasBeforeScaleToZero).toBe(2);
    expect(await replicasOf(ns)).toBe(0);
    await router.reconcile(canary);
    const apex = await svc(ns, 'podinfo');
    expect(apex?.spec?.selector).toEqual({ app: 'podinfo-primary' });
    expect(apex?.metadata?.labels).toEqual({ mine: 'yes' });
    expect(apex?.metadata?.ownerReferences).toBeUndefined();
    expect(apex?.spec?.ports?.[0]?.nodePort).toBe(nodePort);

    await router.finalize(canary);
    expect((await svc(ns, 'podinfo'))?.spec?.selector).toEqual({ app: 'podinfo' });
  });
});

describe('kubernetesRouter', () => {
  it('shifts no traffic: routes follow the blue/green iterations, and splits or mirrors are refused', async () => {
    const { canary } = await world();
    const router = kubernetesRouter(controller);
    expect(await router.getRoutes(canary)).toEqual({ primaryWeight: 100, canaryWeight: 0, mirrored: false });
    expect(await router.getRoutes({ ...canary, status: { phase: 'Progressing', iterations: 1 } })).toEqual({
      primaryWeight: 0,
      canaryWeight: 100,
      mirrored: false,
    });
    // From promotion on the engine has routed everything back to the primary and reads that back.
    expect(await router.getRoutes({ ...canary, status: { phase: 'Promoting', iterations: 2 } })).toEqual({
      primaryWeight: 100,
      canaryWeight: 0,
      mirrored: false,
    });
    await router.setRoutes(canary, { primaryWeight: 0, canaryWeight: 100, mirrored: false });
    await router.setRoutes(canary, { primaryWeight: 100, canaryWeight: 0, mirrored: false });
    const refused = await router
      .setRoutes(canary, { primaryWeight: 90, canaryWeight: 10, mirrored: false })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AviaryError);
    expect((refused as Error).message).toContain(
      'provider kubernetes cannot send 10% of traffic to the canary',
    );
  });
});
