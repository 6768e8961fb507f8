import type { V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFakeApiServer,
  STUCK_ANNOTATION,
  type FakeApiServer,
  type KubeObject,
} from '../../../test/harness/index.js';
import type { Canary } from '../../api/types.js';
import type { Readiness, WorkloadTarget } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import { MERGE_PATCH, makeClients, type KubeClients } from '../../kube/client.js';
import { retryOnConflict } from '../../kube/failure.js';
import { deploymentTarget } from './deployment-target.js';
import { ROLLOUT_ID_ANNOTATION } from './primary-deployment.js';
import { REPLICAS_ANNOTATION } from './replicas.js';
import { canaryFor, configMapFor, deploymentFor, hpaFor } from './testing/fixtures.js';

let server: FakeApiServer;
let clients: KubeClients;
let target: WorkloadTarget;
let namespaces = 0;
let rollouts = 0;

beforeAll(async () => {
  server = await startFakeApiServer({ deploymentReadyDelayMs: 10 });
  clients = makeClients(server.kubeConfig());
  target = deploymentTarget(clients, { rolloutId: () => `rollout-${++rollouts}` });
});
afterAll(() => server.close());

/** Stores an object as if created through the API (typed client models are plain JSON here). */
const put = (obj: object) => server.create(obj as unknown as KubeObject);

/** A fresh namespace holding podinfo, its two ConfigMaps and its Secret. */
function world(spec: Partial<Canary['spec']> = {}, replicas = 2) {
  const ns = `t${++namespaces}`;
  server.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  put(configMapFor(ns, 'podinfo-env', { color: 'blue' }));
  put(configMapFor(ns, 'podinfo-config', { 'app.yaml': 'level: info' }));
  server.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'podinfo-secret', namespace: ns },
    stringData: { TOKEN: 's3cret' },
  });
  put(deploymentFor(ns, 'podinfo', replicas));
  return { ns, canary: canaryFor(ns, 'podinfo', spec) };
}

const deployment = (ns: string, name: string) =>
  server.get('deployments.apps', ns, name) as V1Deployment | undefined;
const podSpecOf = (d: V1Deployment | undefined) => d?.spec?.template.spec;

async function until(check: () => Promise<Readiness>, timeoutMs = 3000): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result.ready || !result.retriable || Date.now() > deadline) return result;
    await new Promise((r) => setTimeout(r, 15));
  }
}

async function initialized(canary: Canary) {
  expect(await until(() => target.initialize(canary))).toEqual({ ready: true });
}

/** Changes the target's image the way `kubectl set image` does: only the image field changes. */
async function setImage(ns: string, image: string) {
  await retryOnConflict(async () => {
    const current = await clients.apps.readNamespacedDeployment({ name: 'podinfo', namespace: ns });
    const container = current.spec?.template.spec?.containers.find((c) => c.name === 'podinfod');
    if (container) container.image = image;
    await clients.apps.replaceNamespacedDeployment({ name: 'podinfo', namespace: ns, body: current });
  });
}

async function patchTarget(ns: string, body: object, name = 'podinfo') {
  await clients.apps.patchNamespacedDeployment({ name, namespace: ns, body }, MERGE_PATCH);
}

/** The write requests (anything but reads) `action` sends; simulators write to the store, not over HTTP. */
async function writesDuring(action: () => Promise<unknown>): Promise<string[]> {
  server.clearRequests();
  await action();
  return server.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
}

function resourceVersions(ns: string) {
  const kinds = ['deployments.apps', 'configmaps', 'secrets', 'horizontalpodautoscalers.autoscaling'];
  return Object.fromEntries(
    kinds.flatMap((k) =>
      server.list(k, ns).map((o) => [`${k}/${o.metadata.name ?? ''}`, o.metadata.resourceVersion]),
    ),
  );
}

describe('deploymentTarget.initialize', () => {
  it('creates <name>-primary from the target with -primary labels and config copies', async () => {
    const { ns, canary } = world();
    const first = await target.initialize(canary);
    expect(first.ready).toBe(false);

    const primary = deployment(ns, 'podinfo-primary');
    expect(primary?.spec?.selector.matchLabels).toEqual({ app: 'podinfo-primary' });
    expect(primary?.spec?.template.metadata?.labels).toEqual({ app: 'podinfo-primary' });
    expect(primary?.metadata?.labels).toEqual({ app: 'podinfo-primary', team: 'web' });
    expect(primary?.metadata?.annotations).toEqual({ 'example.com/owner': 'web-team' });
    expect(primary?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Canary',
      name: 'podinfo',
      uid: canary.metadata.uid,
      controller: true,
    });
    expect(primary?.spec).toMatchObject({
      replicas: 2,
      minReadySeconds: 3,
      revisionHistoryLimit: 4,
      progressDeadlineSeconds: 60,
    });
    expect(primary?.spec?.template.metadata?.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      [ROLLOUT_ID_ANNOTATION]: expect.any(String),
    });

    const pod = podSpecOf(primary);
    expect(pod?.volumes?.[0]?.configMap?.name).toBe('podinfo-config-primary');
    expect(pod?.containers[0]?.env?.[0]?.valueFrom?.configMapKeyRef?.name).toBe('podinfo-env-primary');
    expect(pod?.containers[0]?.envFrom?.[0]?.secretRef?.name).toBe('podinfo-secret-primary');
    expect(pod?.topologySpreadConstraints?.[0]?.labelSelector?.matchLabels).toEqual({
      app: 'podinfo-primary',
    });

    expect(server.get('configmaps', ns, 'podinfo-env-primary')).toMatchObject({
      data: { color: 'blue' },
      metadata: { ownerReferences: [{ uid: canary.metadata.uid }] },
    });
    expect(server.get('configmaps', ns, 'podinfo-config-primary')?.data).toEqual({
      'app.yaml': 'level: info',
    });
    expect(server.get('secrets', ns, 'podinfo-secret-primary')).toMatchObject({
      type: 'Opaque',
      data: { TOKEN: Buffer.from('s3cret').toString('base64') },
    });
    // The user's target is untouched: same template, still serving.
    expect(podSpecOf(deployment(ns, 'podinfo'))?.volumes?.[0]?.configMap?.name).toBe('podinfo-config');
  });

  it('scales the target to zero only once the primary is ready, remembering its replicas', async () => {
    const { ns, canary } = world();
    expect((await target.initialize(canary)).ready).toBe(false);
    expect(deployment(ns, 'podinfo')?.spec?.replicas).toBe(2);
    await initialized(canary);
    const scaled = deployment(ns, 'podinfo');
    expect(scaled?.spec?.replicas).toBe(0);
    expect(scaled?.metadata?.annotations?.[REPLICAS_ANNOTATION]).toBe('2');
  });

  it('is idempotent: a second and third call write nothing', async () => {
    const { ns, canary } = world({
      autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'podinfo' },
    });
    put(hpaFor(ns, 'podinfo', 'podinfo'));
    await initialized(canary);
    await new Promise((r) => setTimeout(r, 100)); // let the simulators settle
    const before = resourceVersions(ns);
    expect(await writesDuring(() => target.initialize(canary))).toEqual([]);
    expect(await target.initialize(canary)).toEqual({ ready: true });
    expect(resourceVersions(ns)).toEqual(before);
  });

  it('never changes the primary template once it exists, and leaves the target alone after initialization', async () => {
    const { ns, canary } = world();
    await initialized(canary);
    const template = deployment(ns, 'podinfo-primary')?.spec?.template;
    await setImage(ns, 'ghcr.io/stefanprodan/podinfo:6.1.0');
    await patchTarget(ns, { spec: { replicas: 1 } });
    const progressing = { ...canary, status: { phase: 'Progressing' as const } };
    await target.initialize(progressing);
    expect(deployment(ns, 'podinfo-primary')?.spec?.template).toEqual(template);
    expect(deployment(ns, 'podinfo')?.spec?.replicas).toBe(1);
  });

  it('copies the HPA to <hpa>-primary targeting the primary, with primaryScalerReplicas, and follows changes', async () => {
    const { ns, canary } = world({
      autoscalerRef: {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        name: 'podinfo',
        primaryScalerReplicas: { maxReplicas: 6 },
      },
    });
    put(hpaFor(ns, 'podinfo', 'podinfo'));
    await initialized(canary);
    const hpa = server.get('horizontalpodautoscalers.autoscaling', ns, 'podinfo-primary');
    expect(hpa?.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: 'podinfo-primary' },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu' } }],
    });
    expect(hpa?.metadata.ownerReferences?.[0]?.uid).toBe(canary.metadata.uid);

    await clients.autoscaling.patchNamespacedHorizontalPodAutoscaler(
      { name: 'podinfo', namespace: ns, body: { spec: { minReplicas: 3 } } },
      MERGE_PATCH,
    );
    await target.initialize(canary);
    expect(server.get('horizontalpodautoscalers.autoscaling', ns, 'podinfo-primary')?.spec).toMatchObject({
      minReplicas: 3,
      maxReplicas: 6,
    });
  });

  it('names the fix when the target has no usable selector label', async () => {
    const ns = `t${++namespaces}`;
    server.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const d = deploymentFor(ns, 'web');
    if (d.spec) {
      d.spec.selector = { matchLabels: { component: 'web' } };
      if (d.spec.template.metadata) d.spec.template.metadata.labels = { component: 'web' };
    }
    put(d);
    const err = await target.initialize(canaryFor(ns, 'web')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AviaryError);
    expect((err as Error).message).toMatch(
      /none of app, name, app.kubernetes.io\/name — add one \(e.g. app: web\)/,
    );
    expect(deployment(ns, 'web-primary')).toBeUndefined();
  });

  it('reports a missing required ConfigMap with what to do', async () => {
    const { ns, canary } = world();
    await clients.core.deleteNamespacedConfigMap({ name: 'podinfo-env', namespace: ns });
    await expect(target.initialize(canary)).rejects.toThrow(
      `configmap ${ns}/podinfo-env referenced by deployment podinfo not found`,
    );
  });
});

describe('deploymentTarget.revision', () => {
  it('changes with the pod template or a referenced config, and not otherwise', async () => {
    const { ns, canary } = world();
    const r1 = await target.revision(canary);
    expect(Object.keys(r1.trackedConfigs ?? {}).sort()).toEqual([
      'configmap/podinfo-config',
      'configmap/podinfo-env',
      'secret/podinfo-secret',
    ]);
    await initialized(canary); // scales the target to zero: not a new revision
    put(configMapFor(ns, 'unrelated', { a: 'b' }));
    expect(await target.revision(canary)).toEqual(r1);

    await clients.core.patchNamespacedConfigMap(
      { name: 'podinfo-env', namespace: ns, body: { data: { color: 'green' } } },
      MERGE_PATCH,
    );
    const r2 = await target.revision(canary);
    expect(r2.spec).toBe(r1.spec);
    expect(r2.trackedConfigs?.['configmap/podinfo-env']).not.toBe(
      r1.trackedConfigs?.['configmap/podinfo-env'],
    );
    expect(r2.trackedConfigs?.['secret/podinfo-secret']).toBe(r1.trackedConfigs?.['secret/podinfo-secret']);
    // The primary still runs on the old config until promotion.
    expect(server.get('configmaps', ns, 'podinfo-env-primary')?.data).toEqual({ color: 'blue' });

    await patchTarget(ns, {
      spec: { template: { metadata: { annotations: { 'example.com/build': '42' } } } },
    });
    const r3 = await target.revision(canary);
    expect(r3.spec).not.toBe(r2.spec);
    expect(r3.trackedConfigs).toEqual(r2.trackedConfigs);
  });

  it('skips configs opted out of tracking', async () => {
    const { ns, canary } = world();
    await clients.core.patchNamespacedConfigMap(
      {
        name: 'podinfo-config',
        namespace: ns,
        body: { metadata: { annotations: { 'flagger.app/config-tracking': 'disabled' } } },
      },
      MERGE_PATCH,
    );
    expect(Object.keys((await target.revision(canary)).trackedConfigs ?? {})).not.toContain(
      'configmap/podinfo-config',
    );
  });
});

describe('deploymentTarget readiness', () => {
  it('reports a stuck canary as not retriable once its progress deadline passes', async () => {
    const { ns, canary } = world();
    await initialized(canary);
    await patchTarget(ns, {
      metadata: { annotations: { [STUCK_ANNOTATION]: 'true' } },
      spec: { replicas: 2, progressDeadlineSeconds: 1 },
    });
    const waiting = await until(() => target.canaryReadiness(canary), 300);
    expect(waiting).toMatchObject({ ready: false, retriable: true });
    const stuck = await until(() => target.canaryReadiness(canary), 4000);
    expect(stuck).toMatchObject({ ready: false, retriable: false });
    if (!stuck.ready) expect(stuck.reason).toContain('deployment podinfo exceeded its progress deadline');
    expect(await target.primaryReadiness(canary)).toEqual({ ready: true });
  });
});

describe('deploymentTarget scaling', () => {
  it('scales the canary back to the count it had, and remembers a new count', async () => {
    const { ns, canary } = world({}, 3);
    await initialized(canary);
    await target.scaleCanaryUp(canary);
    expect(deployment(ns, 'podinfo')?.spec?.replicas).toBe(3);
    expect(await writesDuring(() => target.scaleCanaryUp(canary))).toEqual([]); // already up
    await patchTarget(ns, { spec: { replicas: 5 } });
    await target.scaleCanaryToZero(canary);
    expect(deployment(ns, 'podinfo')?.spec?.replicas).toBe(0);
    expect(deployment(ns, 'podinfo')?.metadata?.annotations?.[REPLICAS_ANNOTATION]).toBe('5');
    expect(await writesDuring(() => target.scaleCanaryToZero(canary))).toEqual([]);
    await target.scaleCanaryUp(canary);
    expect(deployment(ns, 'podinfo')?.spec?.replicas).toBe(5);
  });

  it('without a remembered count uses the primary replicas', async () => {
    const { ns, canary } = world({}, 4);
    await initialized(canary);
    await patchTarget(ns, { metadata: { annotations: { [REPLICAS_ANNOTATION]: null } } });
    await target.scaleCanaryUp(canary);
    expect(deployment(ns, 'podinfo')?.spec?.replicas).toBe(4);
  });
});

describe('deploymentTarget.promote', () => {
  it('copies the canary template and config to the primary, which rolls out', async () => {
    const { ns, canary } = world();
    await initialized(canary);
    const before = deployment(ns, 'podinfo-primary');
    await setImage(ns, 'ghcr.io/stefanprodan/podinfo:6.1.0');
    await patchTarget(ns, { metadata: { labels: { team: 'payments' } }, spec: { replicas: 3 } });
    await clients.core.patchNamespacedConfigMap(
      { name: 'podinfo-env', namespace: ns, body: { data: { color: 'green' } } },
      MERGE_PATCH,
    );

    await target.promote(canary);
    const after = deployment(ns, 'podinfo-primary');
    const container = podSpecOf(after)?.containers.find((c) => c.name === 'podinfod');
    expect(container?.image).toBe('ghcr.io/stefanprodan/podinfo:6.1.0');
    expect(container?.env?.[0]?.valueFrom?.configMapKeyRef?.name).toBe('podinfo-env-primary');
    expect(after?.spec?.template.metadata?.labels).toEqual({ app: 'podinfo-primary' });
    expect(after?.spec?.template.metadata?.annotations?.[ROLLOUT_ID_ANNOTATION]).not.toBe(
      before?.spec?.template.metadata?.annotations?.[ROLLOUT_ID_ANNOTATION],
    );
    expect(after?.metadata?.labels).toEqual({ app: 'podinfo-primary', team: 'payments' });
    expect(after?.spec?.replicas).toBe(3);
    expect(after?.metadata?.generation).toBeGreaterThan(before?.metadata?.generation ?? 0);
    expect(server.get('configmaps', ns, 'podinfo-env-primary')?.data).toEqual({ color: 'green' });
    expect(await until(() => target.primaryReadiness(canary))).toEqual({ ready: true });
  });

  it('keeps the primary replica count when an autoscaler owns it', async () => {
    const { ns, canary } = world({
      autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'podinfo' },
    });
    put(hpaFor(ns, 'podinfo', 'podinfo'));
    await initialized(canary);
    await patchTarget(ns, { spec: { replicas: 4 } });
    await target.promote(canary);
    expect(deployment(ns, 'podinfo-primary')?.spec?.replicas).toBe(2);
  });
});

describe('deploymentTarget.finalize', () => {
  it('gives the target the primary replica count back and forgets the remembered count', async () => {
    const { ns, canary } = world({}, 3);
    await initialized(canary);
    expect(deployment(ns, 'podinfo')?.spec?.replicas).toBe(0);
    await target.finalize(canary);
    const restored = deployment(ns, 'podinfo');
    expect(restored?.spec?.replicas).toBe(3);
    expect(restored?.metadata?.annotations?.[REPLICAS_ANNOTATION]).toBeUndefined();
    expect(await until(() => target.canaryReadiness(canary))).toEqual({ ready: true });
    expect(await writesDuring(() => target.finalize(canary))).toEqual([]);
  });
});
