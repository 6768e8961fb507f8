import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApiServer, type FakeApiServer, type KubeObject } from '../../../test/harness/index.js';
import type { Canary, CanaryService } from '../../api/types.js';
import { AviaryError } from '../../errors.js';
import { makeClients, type KubeClients } from '../../kube/client.js';
import { deploymentTarget } from '../../targets/kubernetes/deployment-target.js';
import { canaryFor, deploymentFor } from '../../targets/kubernetes/testing/fixtures.js';
import { servicePorts } from './ports.js';
import { kubernetesRouter } from './router.js';
import { reconcileServices } from './services.js';

let server: FakeApiServer;
let clients: KubeClients;
let namespaces = 0;
const selector = { label: 'app', value: 'podinfo' };

beforeAll(async () => {
  server = await startFakeApiServer({ deploymentReadyDelayMs: 10, simulateHpas: false });
  clients = makeClients(server.kubeConfig());
});
afterAll(() => server.close());

function world(service: Partial<CanaryService> = {}): { ns: string; canary: Canary } {
  const ns = `s${++namespaces}`;
  server.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  for (const name of ['podinfo-env', 'podinfo-config'])
    server.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: ns },
      data: { color: 'blue' },
    });
  server.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'podinfo-secret', namespace: ns },
    data: {},
  });
  server.create(deploymentFor(ns) as unknown as KubeObject);
  return { ns, canary: canaryFor(ns, 'podinfo', { service: { port: 9898, ...service } }) };
}

const svc = (ns: string, name: string) => server.get('services', ns, name) as V1Service | undefined;
const replicasOf = (ns: string) =>
  (server.get('deployments.apps', ns, 'podinfo') as V1Deployment | undefined)?.spec?.replicas;
const rvs = (ns: string) => server.list('services', ns).map((s) => s.metadata.resourceVersion);

describe('reconcileServices', () => {
  it('creates apex and primary selecting primary pods, canary selecting canary pods, with metadata and owner', async () => {
    const { ns, canary } = world({
      apex: { labels: { tier: 'frontend' }, annotations: { 'example.com/apex': 'yes' } },
      canary: { annotations: { 'example.com/canary': 'yes' } },
    });
    await reconcileServices(clients, canary, selector);
    expect(svc(ns, 'podinfo')?.spec?.selector).toEqual({ app: 'podinfo-primary' });
    expect(svc(ns, 'podinfo-primary')?.spec?.selector).toEqual({ app: 'podinfo-primary' });
    expect(svc(ns, 'podinfo-canary')?.spec?.selector).toEqual({ app: 'podinfo' });
    expect(svc(ns, 'podinfo')?.spec).toMatchObject({
      type: 'ClusterIP',
      ports: [{ name: 'http', port: 9898, targetPort: 9898, protocol: 'TCP' }],
    });
    expect(svc(ns, 'podinfo')?.metadata?.labels).toEqual({ tier: 'frontend', app: 'podinfo' });
    expect(svc(ns, 'podinfo')?.metadata?.annotations).toMatchObject({ 'example.com/apex': 'yes' });
    expect(svc(ns, 'podinfo-canary')?.metadata?.annotations).toMatchObject({ 'example.com/canary': 'yes' });
    expect(svc(ns, 'podinfo-canary')?.metadata?.labels).toEqual({ app: 'podinfo-canary' });
    expect(svc(ns, 'podinfo-primary')?.metadata?.ownerReferences?.[0]?.uid).toBe(canary.metadata.uid);
  });

  it('uses portName, targetPort and appProtocol, and adds discovered container ports', async () => {
    const { ns, canary } = world({
      portName: 'grpc',
      targetPort: 'http',
      appProtocol: 'grpc',
      portDiscovery: true,
    });
    const podSpec = deploymentFor(ns).spec?.template.spec;
    await reconcileServices(clients, canary, selector, { podSpec });
    expect(svc(ns, 'podinfo-canary')?.spec?.ports).toEqual([
      { name: 'grpc', port: 9898, targetPort: 'http', protocol: 'TCP', appProtocol: 'grpc' },
      { name: 'http-metrics', port: 9797, targetPort: 9797, protocol: 'TCP' },
      { name: 'tcp-podinfod-2', port: 9999, targetPort: 9999, protocol: 'TCP' },
    ]);
  });

  it('writes nothing when nothing changed, and keeps the clusterIP when the port changes', async () => {
    const { ns, canary } = world();
    await reconcileServices(clients, canary, selector);
    const before = rvs(ns);
    const ip = svc(ns, 'podinfo')?.spec?.clusterIP;
    await reconcileServices(clients, canary, selector);
    expect(rvs(ns)).toEqual(before);

    const moved = { ...canary, spec: { ...canary.spec, service: { ...canary.spec.service, port: 8080 } } };
    await reconcileServices(clients, moved, selector);
    expect(svc(ns, 'podinfo')?.spec?.ports?.[0]).toMatchObject({ port: 8080, targetPort: 8080 });
    expect(svc(ns, 'podinfo')?.spec?.clusterIP).toBe(ip);
  });

  it("takes over the user's apex Service selector but leaves its metadata, and finalize gives it back", async () => {
    const { ns, canary } = world();
    const lastApplied = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Service',
      spec: { selector: { app: 'podinfo' } },
    });
    server.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'podinfo',
        namespace: ns,
        labels: { mine: 'yes' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied },
      },
      spec: {
        type: 'NodePort',
        selector: { app: 'podinfo' },
        ports: [{ name: 'http', port: 9898, targetPort: 9898, nodePort: 30080 }],
      },
    });
    const router = kubernetesRouter(clients);
    await router.reconcile(canary); // no primary pods yet: the apex must keep selecting the target
    expect(svc(ns, 'podinfo')?.spec?.selector).toEqual({ app: 'podinfo' });
    expect(svc(ns, 'podinfo-primary')).toBeDefined();

    // Wired as the controller does: the apex moves to the primary before the target scales to zero.
    const target = deploymentTarget(clients, {
      beforeScaleToZero: async (c, sel) => {
        expect(replicasOf(ns)).toBe(2);
        await reconcileServices(clients, c, sel);
      },
    });
    for (let ready = false; !ready; await new Promise((r) => setTimeout(r, 15)))
      ready = (await target.initialize(canary)).ready;
    expect(replicasOf(ns)).toBe(0);
    await router.reconcile(canary);
    const apex = svc(ns, 'podinfo');
    expect(apex?.spec?.selector).toEqual({ app: 'podinfo-primary' });
    expect(apex?.metadata?.labels).toEqual({ mine: 'yes' });
    expect(apex?.metadata?.ownerReferences).toBeUndefined();
    expect(apex?.spec?.ports?.[0]?.nodePort).toBe(30080);

    await router.finalize(canary);
    expect(svc(ns, 'podinfo')?.spec?.selector).toEqual({ app: 'podinfo' });
  });
});

describe('kubernetesRouter', () => {
  it('shifts no traffic: routes follow the blue/green iterations, and splits or mirrors are refused', async () => {
    const { canary } = world();
    const router = kubernetesRouter(clients);
    expect(await router.getRoutes(canary)).toEqual({ primaryWeight: 100, canaryWeight: 0, mirrored: false });
    expect(await router.getRoutes({ ...canary, status: { iterations: 1 } })).toEqual({
      primaryWeight: 0,
      canaryWeight: 100,
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

describe('servicePorts', () => {
  it('drops a discovered port that clashes with the main port', () => {
    const ports = servicePorts(
      { port: 9797, portDiscovery: true },
      {
        containers: [
          {
            name: 'app',
            ports: [
              { name: 'http', containerPort: 9898 },
              { name: 'metrics', containerPort: 9797 },
            ],
          },
        ],
      },
    );
    expect(ports.map((p) => [p.name, p.port])).toEqual([['http', 9797]]);
  });
});
