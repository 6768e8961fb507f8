/**
 * The Deployment target (src/targets/kubernetes/deployment-target.ts) on the real control plane: the
 * target runs as the controller's ServiceAccount with only deploy/rbac's grants; readiness comes from the
 * real deployment controller, ReplicaSets and KWOK pods; the primary, its config copies and its HPA are
 * owned by a real Canary (so the garbage collector keeps them); the calls the target makes are read from
 * the API server's audit log.
 */
import type {
  V1ConfigMap,
  V1Deployment,
  V1ReplicaSet,
  V1Secret,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { Canary } from '../../src/api/types.js';
import type { Readiness } from '../../src/engine/ports.js';
import { AviaryError } from '../../src/errors.js';
import { MERGE_PATCH, plain } from '../../src/kube/client.js';
import { isNotFound, retryOnConflict } from '../../src/kube/failure.js';
import { deploymentTarget } from '../../src/targets/kubernetes/deployment-target.js';
import { ROLLOUT_ID_ANNOTATION } from '../../src/targets/kubernetes/primary-deployment.js';
import { REPLICAS_ANNOTATION } from '../../src/targets/kubernetes/replicas.js';
import {
  canaryFor,
  configMapFor,
  deploymentFor,
  hpaFor,
} from '../../src/targets/kubernetes/testing/fixtures.js';
import { auditLogPath } from '../cluster/audit.js';
import { CONTROLLER_USER } from '../cluster/index.js';
import { targetTest } from './target-test.js';

/** KWOK's never-ready stage (docs/dev-cluster.md): the pod runs but never becomes Ready. */
const NEVER_READY_LABEL = 'aviary.dev/test-never-ready';

// Readiness waits on the real controllers and KWOK of a cluster shared with other test runs (a
// benchmark's thousand Deployments can keep the deployment controller busy for minutes).
vi.setConfig({ testTimeout: 300_000 });

let rollouts = 0;
// The target runs as the controller: what it does is the controller's own calls in the audit log.
const env = targetTest((controller) =>
  deploymentTarget(controller, { rolloutId: () => `rollout-${++rollouts}` }),
);
const { cluster } = env;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const newNamespace = () => env.newNamespace('target');

/** A fresh namespace holding podinfo, its two ConfigMaps, its Secret and its Canary. */
async function world(spec: Partial<Canary['spec']> = {}, replicas = 2) {
  const ns = await newNamespace();
  await env.admin.core.createNamespacedConfigMap({
    namespace: ns,
    body: configMapFor(ns, 'podinfo-env', { color: 'blue' }),
  });
  await env.admin.core.createNamespacedConfigMap({
    namespace: ns,
    body: configMapFor(ns, 'podinfo-config', { 'app.yaml': 'level: info' }),
  });
  await env.admin.core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'podinfo-secret', namespace: ns }, stringData: { TOKEN: 's3cret' } },
  });
  await env.admin.apps.createNamespacedDeployment({
    namespace: ns,
    body: deploymentFor(ns, 'podinfo', replicas),
  });
  return { ns, canary: await env.createCanary(canaryFor(ns, 'podinfo', spec)) };
}

/** world() with the HPA `podinfo` that its Canary's autoscalerRef names (extra autoscalerRef fields merged in). */
async function worldWithHpa(autoscalerRef: Partial<NonNullable<Canary['spec']['autoscalerRef']>> = {}) {
  const w = await world({
    autoscalerRef: {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      name: 'podinfo',
      ...autoscalerRef,
    },
  });
  await env.admin.autoscaling.createNamespacedHorizontalPodAutoscaler({
    namespace: w.ns,
    body: hpaFor(w.ns, 'podinfo', 'podinfo'),
  });
  return w;
}

async function orUndefined<T>(read: () => Promise<unknown>): Promise<T | undefined> {
  try {
    return plain<T>(await read());
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
const deployment = (ns: string, name: string) =>
  orUndefined<V1Deployment>(() => env.admin.apps.readNamespacedDeployment({ name, namespace: ns }));
const configMap = (ns: string, name: string) =>
  orUndefined<V1ConfigMap>(() => env.admin.core.readNamespacedConfigMap({ name, namespace: ns }));
const secret = (ns: string, name: string) =>
  orUndefined<V1Secret>(() => env.admin.core.readNamespacedSecret({ name, namespace: ns }));
const hpa = (ns: string, name: string) =>
  orUndefined<V2HorizontalPodAutoscaler>(() =>
    env.admin.autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace: ns }),
  );
const podSpecOf = (d: V1Deployment | undefined) => d?.spec?.template.spec;

/** The annotations a writer put on a Deployment, without the deployment controller's own. */
const userAnnotations = (d: V1Deployment | undefined) =>
  Object.fromEntries(
    Object.entries(d?.metadata?.annotations ?? {}).filter(
      ([k]) => !k.startsWith('deployment.kubernetes.io/'),
    ),
  );

/** Polls a readiness until it is ready or says waiting will not help; the deadline only bounds a hang. */
async function until(check: () => Promise<Readiness>, timeoutMs = 240_000): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result.ready || !result.retriable || Date.now() > deadline) return result;
    await sleep(250);
  }
}

/** Polls until ready; if it never is, fails with what the cluster shows (Deployments, ReplicaSets, pods). */
async function becomesReady(ns: string, check: () => Promise<Readiness>): Promise<void> {
  const result = await until(check);
  if (result.ready) return;
  const shown = await cluster.kubectl(['get', 'deployments,replicasets,pods', '-n', ns, '-o', 'wide']);
  expect(result, `the cluster shows:\n${shown.stdout}${shown.stderr}`).toEqual({ ready: true });
}

async function initialized(canary: Canary) {
  await becomesReady(canary.metadata.namespace ?? '', () => env.target.initialize(canary));
}

/** Changes the target's image the way `kubectl set image` does: only the image field changes. */
async function setImage(ns: string, image: string) {
  await retryOnConflict(async () => {
    const current = await env.admin.apps.readNamespacedDeployment({ name: 'podinfo', namespace: ns });
    const container = current.spec?.template.spec?.containers.find((c) => c.name === 'podinfod');
    if (container) container.image = image;
    await env.admin.apps.replaceNamespacedDeployment({ name: 'podinfo', namespace: ns, body: current });
  });
}

async function patchTarget(ns: string, body: object, name = 'podinfo') {
  await env.admin.apps.patchNamespacedDeployment({ name, namespace: ns, body }, MERGE_PATCH);
}

interface AuditEvent {
  stage: string;
  verb: string;
  user: { username: string };
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
}

/**
 * The controller's finished requests in namespace `ns` that the API server's audit log (test/cluster/
 * audit.ts) gained after byte `from`. Only the new tail is read: the shared log grows by hundreds of
 * megabytes during a test run.
 */
function auditTail(from: number, ns: string): AuditEvent[] {
  const file = auditLogPath(cluster.kubeconfig);
  const size = statSync(file).size;
  const start = size >= from ? from : 0; // rotated meanwhile: the new file holds the rest
  const buffer = Buffer.alloc(size - start);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, start);
  } finally {
    closeSync(fd);
  }
  return buffer
    .toString('utf8')
    .split('\n')
    .filter((line) => line.includes(CONTROLLER_USER) && line.includes(ns))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as AuditEvent];
      } catch {
        return []; // the last line may still be being written
      }
    })
    .filter(
      (e) =>
        e.user.username === CONTROLLER_USER &&
        e.stage === 'ResponseComplete' &&
        e.objectRef?.namespace === ns,
    );
}

/**
 * The write requests (anything but get/list/watch) `action` made in namespace `ns`, from the API
 * server's audit log, as `<verb> <resource>/<name> <status code>`. A marker request after the action
 * tells when the log holds all of them (the server writes an audit event once it answered).
 */
async function writesDuring(ns: string, action: () => Promise<unknown>): Promise<string[]> {
  const from = statSync(auditLogPath(cluster.kubeconfig)).size;
  await action();
  const marker = `audit-marker-${Math.random().toString(36).slice(2, 8)}`;
  await env.controller.apps.readNamespacedDeployment({ name: marker, namespace: ns }).catch(() => undefined);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const events = auditTail(from, ns);
    const end = events.findIndex((e) => e.objectRef?.name === marker);
    if (end >= 0) {
      return events
        .slice(0, end)
        .filter((e) => !['get', 'list', 'watch'].includes(e.verb))
        .map((e) => {
          const ref = e.objectRef ?? {};
          const resource = `${ref.resource ?? ''}${ref.subresource ? `/${ref.subresource}` : ''}`;
          return `${e.verb} ${resource}/${ref.name ?? ''} ${e.responseStatus?.code ?? 0}`;
        });
    }
    if (Date.now() > deadline) throw new Error(`the audit log never showed the marker request ${marker}`);
    await sleep(100);
  }
}

/**
 * What writers own in the namespace: ConfigMaps' and Secrets' resourceVersions (no controller touches
 * them), and the spec generation and metadata of Deployments and HPAs (their controllers write status).
 */
async function writtenState(ns: string) {
  const [deployments, configMaps, secrets, hpas] = await Promise.all([
    env.admin.apps.listNamespacedDeployment({ namespace: ns }),
    env.admin.core.listNamespacedConfigMap({ namespace: ns }),
    env.admin.core.listNamespacedSecret({ namespace: ns }),
    env.admin.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: ns }),
  ]);
  const meta = (o: { metadata?: { generation?: number; labels?: object; annotations?: object } }) => ({
    generation: o.metadata?.generation,
    labels: o.metadata?.labels,
    annotations: o.metadata?.annotations,
  });
  return plain<Record<string, unknown>>({
    ...Object.fromEntries(deployments.items.map((d) => [`deployment/${d.metadata?.name}`, meta(d)])),
    ...Object.fromEntries(hpas.items.map((h) => [`hpa/${h.metadata?.name}`, meta(h)])),
    ...Object.fromEntries(
      configMaps.items.map((c) => [`configmap/${c.metadata?.name}`, c.metadata?.resourceVersion]),
    ),
    ...Object.fromEntries(
      secrets.items.map((c) => [`secret/${c.metadata?.name}`, c.metadata?.resourceVersion]),
    ),
  });
}

/** The ReplicaSets the deployment controller made for a Deployment's pods, with their images and sizes. */
async function replicaSetsOf(ns: string, app: string) {
  const list = await env.admin.apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: `app=${app}` });
  return plain<V1ReplicaSet[]>(list.items).map((rs) => ({
    image: rs.spec?.template?.spec?.containers.find((c) => c.name === 'podinfod')?.image,
    replicas: rs.spec?.replicas ?? 0,
    ready: rs.status?.readyReplicas ?? 0,
  }));
}

describe('deploymentTarget.initialize', () => {
  it("follows the controller's Flagger flags: -enable-config-tracking=false, -include-label-prefix, -selector-labels", async () => {
    const { ns, canary } = await world();
    const flagged = deploymentTarget(env.controller, {
      configTracking: false,
      includeLabelPrefixes: ['team'],
      selectorLabels: ['name', 'app'],
    });
    await flagged.initialize(canary);
    const primary = await deployment(ns, 'podinfo-primary');
    // Only the labels with an included prefix, and the selector label with the primary's value.
    expect(primary?.metadata?.labels).toEqual({ app: 'podinfo-primary', team: 'web' });
    expect(primary?.spec?.selector.matchLabels).toEqual({ app: 'podinfo-primary' });
    // Without config tracking the primary uses the target's ConfigMaps and Secrets: no copies.
    const pod = podSpecOf(primary);
    expect(pod?.volumes?.[0]?.configMap?.name).toBe('podinfo-config');
    expect(pod?.containers[0]?.envFrom?.[0]?.secretRef?.name).toBe('podinfo-secret');
    expect(await configMap(ns, 'podinfo-env-primary')).toBeUndefined();
    expect((await flagged.revision(canary)).trackedConfigs).toEqual({});

    const otherLabels = deploymentTarget(env.controller, { selectorLabels: ['app.kubernetes.io/name'] });
    await expect(otherLabels.revision(canary)).resolves.toBeDefined();
    await expect(otherLabels.promote(canary)).rejects.toThrow(
      'spec.selector.matchLabels has none of app.kubernetes.io/name — add one (e.g. app.kubernetes.io/name: podinfo)',
    );
  });

  it('creates <name>-primary from the target with -primary labels and config copies', async () => {
    const { ns, canary } = await world();
    const first = await env.target.initialize(canary);
    expect(first.ready).toBe(false);

    const primary = await deployment(ns, 'podinfo-primary');
    expect(primary?.spec?.selector.matchLabels).toEqual({ app: 'podinfo-primary' });
    expect(primary?.spec?.template.metadata?.labels).toEqual({ app: 'podinfo-primary' });
    expect(primary?.metadata?.labels).toEqual({ app: 'podinfo-primary', team: 'web' });
    expect(userAnnotations(primary)).toEqual({ 'example.com/owner': 'web-team' });
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

    expect(await configMap(ns, 'podinfo-env-primary')).toMatchObject({
      data: { color: 'blue' },
      metadata: { ownerReferences: [{ uid: canary.metadata.uid }] },
    });
    expect((await configMap(ns, 'podinfo-config-primary'))?.data).toEqual({ 'app.yaml': 'level: info' });
    expect(await secret(ns, 'podinfo-secret-primary')).toMatchObject({
      type: 'Opaque',
      data: { TOKEN: Buffer.from('s3cret').toString('base64') },
    });
    // The user's target is untouched: same template, still serving.
    expect(podSpecOf(await deployment(ns, 'podinfo'))?.volumes?.[0]?.configMap?.name).toBe('podinfo-config');

    // The real deployment controller rolls the primary out on KWOK pods; the copies outlive the GC.
    await initialized(canary);
    expect(await replicaSetsOf(ns, 'podinfo-primary')).toEqual([
      { image: 'ghcr.io/stefanprodan/podinfo:6.0.0', replicas: 2, ready: 2 },
    ]);
    expect(await configMap(ns, 'podinfo-env-primary')).toBeDefined();
  });

  it('scales the target to zero only once the primary is ready, remembering its replicas', async () => {
    const { ns, canary } = await world();
    expect((await env.target.initialize(canary)).ready).toBe(false);
    expect((await deployment(ns, 'podinfo'))?.spec?.replicas).toBe(2);
    await initialized(canary);
    const scaled = await deployment(ns, 'podinfo');
    expect(scaled?.spec?.replicas).toBe(0);
    expect(scaled?.metadata?.annotations?.[REPLICAS_ANNOTATION]).toBe('2');
  });

  it('is idempotent: a second and third call write nothing', async () => {
    const { ns, canary } = await worldWithHpa();
    await initialized(canary);
    const before = await writtenState(ns);
    expect(await writesDuring(ns, () => env.target.initialize(canary))).toEqual([]);
    expect(await env.target.initialize(canary)).toEqual({ ready: true });
    expect(await writtenState(ns)).toEqual(before);
  });

  it('never changes the primary template once it exists, and leaves the target alone after initialization', async () => {
    const { ns, canary } = await world();
    await initialized(canary);
    const template = (await deployment(ns, 'podinfo-primary'))?.spec?.template;
    await setImage(ns, 'ghcr.io/stefanprodan/podinfo:6.1.0');
    await patchTarget(ns, { spec: { replicas: 1 } });
    const progressing = { ...canary, status: { phase: 'Progressing' as const } };
    await env.target.initialize(progressing);
    expect((await deployment(ns, 'podinfo-primary'))?.spec?.template).toEqual(template);
    expect((await deployment(ns, 'podinfo'))?.spec?.replicas).toBe(1);
  });

  it('copies the HPA to <hpa>-primary targeting the primary, with primaryScalerReplicas, and follows changes', async () => {
    const { ns, canary } = await worldWithHpa({ primaryScalerReplicas: { maxReplicas: 6 } });
    await initialized(canary);
    const copy = await hpa(ns, 'podinfo-primary');
    expect(copy?.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: 'podinfo-primary' },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu' } }],
    });
    expect(copy?.metadata?.ownerReferences?.[0]?.uid).toBe(canary.metadata.uid);

    await env.admin.autoscaling.patchNamespacedHorizontalPodAutoscaler(
      { name: 'podinfo', namespace: ns, body: { spec: { minReplicas: 3 } } },
      MERGE_PATCH,
    );
    await env.target.initialize(canary);
    expect((await hpa(ns, 'podinfo-primary'))?.spec).toMatchObject({ minReplicas: 3, maxReplicas: 6 });
    // The real HPA controller acts on the copy: the primary is brought up to the new minimum.
    const deadline = Date.now() + 240_000;
    while ((await deployment(ns, 'podinfo-primary'))?.spec?.replicas !== 3 && Date.now() < deadline)
      await sleep(500);
    expect((await deployment(ns, 'podinfo-primary'))?.spec?.replicas).toBe(3);
  });

  it('names the fix when the target has no usable selector label', async () => {
    const ns = await newNamespace();
    const d = deploymentFor(ns, 'web');
    if (d.spec) {
      d.spec.selector = { matchLabels: { component: 'web' } };
      if (d.spec.template.metadata) d.spec.template.metadata.labels = { component: 'web' };
    }
    await env.admin.apps.createNamespacedDeployment({ namespace: ns, body: d });
    const err = await env.target.initialize(canaryFor(ns, 'web')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AviaryError);
    expect((err as Error).message).toMatch(
      /none of app, name, app.kubernetes.io\/name — add one \(e.g. app: web\)/,
    );
    expect(await deployment(ns, 'web-primary')).toBeUndefined();
  });

  it('reports a missing required ConfigMap with what to do', async () => {
    const { ns, canary } = await world();
    await env.admin.core.deleteNamespacedConfigMap({ name: 'podinfo-env', namespace: ns });
    await expect(env.target.initialize(canary)).rejects.toThrow(
      `configmap ${ns}/podinfo-env referenced by deployment podinfo not found`,
    );
  });
});

describe('deploymentTarget.revision', () => {
  it('changes with the pod template or a referenced config, and not otherwise', async () => {
    const { ns, canary } = await world();
    const r1 = await env.target.revision(canary);
    expect(Object.keys(r1.trackedConfigs ?? {}).sort()).toEqual([
      'configmap/podinfo-config',
      'configmap/podinfo-env',
      'secret/podinfo-secret',
    ]);
    await initialized(canary); // scales the target to zero: not a new revision
    await env.admin.core.createNamespacedConfigMap({
      namespace: ns,
      body: configMapFor(ns, 'unrelated', { a: 'b' }),
    });
    expect(await env.target.revision(canary)).toEqual(r1);

    await env.admin.core.patchNamespacedConfigMap(
      { name: 'podinfo-env', namespace: ns, body: { data: { color: 'green' } } },
      MERGE_PATCH,
    );
    const r2 = await env.target.revision(canary);
    expect(r2.spec).toBe(r1.spec);
    expect(r2.trackedConfigs?.['configmap/podinfo-env']).not.toBe(
      r1.trackedConfigs?.['configmap/podinfo-env'],
    );
    expect(r2.trackedConfigs?.['secret/podinfo-secret']).toBe(r1.trackedConfigs?.['secret/podinfo-secret']);
    // The primary still runs on the old config until promotion.
    expect((await configMap(ns, 'podinfo-env-primary'))?.data).toEqual({ color: 'blue' });

    await patchTarget(ns, {
      spec: { template: { metadata: { annotations: { 'example.com/build': '42' } } } },
    });
    const r3 = await env.target.revision(canary);
    expect(r3.spec).not.toBe(r2.spec);
    expect(r3.trackedConfigs).toEqual(r2.trackedConfigs);
  });

  it('skips configs opted out of tracking', async () => {
    const { ns, canary } = await world();
    await env.admin.core.patchNamespacedConfigMap(
      {
        name: 'podinfo-config',
        namespace: ns,
        body: { metadata: { annotations: { 'flagger.app/config-tracking': 'disabled' } } },
      },
      MERGE_PATCH,
    );
    expect(Object.keys((await env.target.revision(canary)).trackedConfigs ?? {})).not.toContain(
      'configmap/podinfo-config',
    );
  });
});

describe('deploymentTarget readiness', () => {
  it('reports a stuck canary as not retriable once its progress deadline passes', async () => {
    const { ns, canary } = await world();
    await initialized(canary);
    // Pods that run but never become Ready (KWOK's never-ready stage), and a short progress deadline:
    // the real deployment controller marks the rollout ProgressDeadlineExceeded.
    await patchTarget(ns, {
      spec: {
        replicas: 2,
        progressDeadlineSeconds: 5,
        template: { metadata: { labels: { [NEVER_READY_LABEL]: 'true' } } },
      },
    });
    const waiting = await env.target.canaryReadiness(canary);
    expect(waiting).toMatchObject({ ready: false, retriable: true });
    const stuck = await until(() => env.target.canaryReadiness(canary));
    expect(stuck).toMatchObject({ ready: false, retriable: false });
    if (!stuck.ready) expect(stuck.reason).toContain('deployment podinfo exceeded its progress deadline');
    // The rollout's new pods run but none is Ready (how many were created before the deadline varies).
    const pods = await env.admin.core.listNamespacedPod({
      namespace: ns,
      labelSelector: `app=podinfo,${NEVER_READY_LABEL}=true`,
    });
    expect(pods.items.length).toBeGreaterThan(0);
    for (const pod of pods.items) {
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    }
    expect(await env.target.primaryReadiness(canary)).toEqual({ ready: true });
  });
});

describe('deploymentTarget scaling', () => {
  it('scales the canary back to the count it had, and remembers a new count', async () => {
    const { ns, canary } = await world({}, 3);
    await initialized(canary);
    await env.target.scaleCanaryUp(canary);
    expect((await deployment(ns, 'podinfo'))?.spec?.replicas).toBe(3);
    expect(await writesDuring(ns, () => env.target.scaleCanaryUp(canary))).toEqual([]); // already up
    await patchTarget(ns, { spec: { replicas: 5 } });
    // One merge patch guarded by the resourceVersion it was computed from: the deployment controller,
    // busy scaling to 5, may write status in between (409 Conflict, read and patched again).
    const patches = await writesDuring(ns, () => env.target.scaleCanaryToZero(canary));
    expect(patches.filter((w) => !w.endsWith(' 409'))).toEqual(['patch deployments/podinfo 200']);
    expect(patches.slice(0, -1).every((w) => w === 'patch deployments/podinfo 409')).toBe(true);
    expect((await deployment(ns, 'podinfo'))?.spec?.replicas).toBe(0);
    expect((await deployment(ns, 'podinfo'))?.metadata?.annotations?.[REPLICAS_ANNOTATION]).toBe('5');
    expect(await writesDuring(ns, () => env.target.scaleCanaryToZero(canary))).toEqual([]);
    await env.target.scaleCanaryUp(canary);
    expect((await deployment(ns, 'podinfo'))?.spec?.replicas).toBe(5);
    // The ReplicaSet follows and KWOK's pods become ready: the canary is ready at its new size.
    await becomesReady(ns, () => env.target.canaryReadiness(canary));
    expect((await deployment(ns, 'podinfo'))?.status?.availableReplicas).toBe(5);
  });

  it('without a remembered count uses the primary replicas', async () => {
    const { ns, canary } = await world({}, 4);
    await initialized(canary);
    await patchTarget(ns, { metadata: { annotations: { [REPLICAS_ANNOTATION]: null } } });
    await env.target.scaleCanaryUp(canary);
    expect((await deployment(ns, 'podinfo'))?.spec?.replicas).toBe(4);
  });
});

describe('deploymentTarget.promote', () => {
  it('copies the canary template and config to the primary, which rolls out', async () => {
    const { ns, canary } = await world();
    await initialized(canary);
    const before = await deployment(ns, 'podinfo-primary');
    await setImage(ns, 'ghcr.io/stefanprodan/podinfo:6.1.0');
    await patchTarget(ns, { metadata: { labels: { team: 'payments' } }, spec: { replicas: 3 } });
    await env.admin.core.patchNamespacedConfigMap(
      { name: 'podinfo-env', namespace: ns, body: { data: { color: 'green' } } },
      MERGE_PATCH,
    );

    await env.target.promote(canary);
    const after = await deployment(ns, 'podinfo-primary');
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
    expect((await configMap(ns, 'podinfo-env-primary'))?.data).toEqual({ color: 'green' });
    await becomesReady(ns, () => env.target.primaryReadiness(canary));
    // The real rollout: a new ReplicaSet runs the promoted image on every replica, the old one none.
    const sets = await replicaSetsOf(ns, 'podinfo-primary');
    expect(sets.filter((rs) => rs.replicas > 0)).toEqual([
      { image: 'ghcr.io/stefanprodan/podinfo:6.1.0', replicas: 3, ready: 3 },
    ]);
    expect(sets.map((rs) => rs.image).sort()).toEqual([
      'ghcr.io/stefanprodan/podinfo:6.0.0',
      'ghcr.io/stefanprodan/podinfo:6.1.0',
    ]);
  });

  it('keeps the primary replica count when an autoscaler owns it', async () => {
    const { ns, canary } = await worldWithHpa();
    await initialized(canary);
    await patchTarget(ns, { spec: { replicas: 4 } });
    await env.target.promote(canary);
    expect((await deployment(ns, 'podinfo-primary'))?.spec?.replicas).toBe(2);
  });
});

describe('deploymentTarget.finalize', () => {
  it('gives the target the primary replica count back and forgets the remembered count', async () => {
    const { ns, canary } = await world({}, 3);
    await initialized(canary);
    expect((await deployment(ns, 'podinfo'))?.spec?.replicas).toBe(0);
    await env.target.finalize(canary);
    const restored = await deployment(ns, 'podinfo');
    expect(restored?.spec?.replicas).toBe(3);
    expect(restored?.metadata?.annotations?.[REPLICAS_ANNOTATION]).toBeUndefined();
    await becomesReady(ns, () => env.target.canaryReadiness(canary));
    expect(await writesDuring(ns, () => env.target.finalize(canary))).toEqual([]);
  });
});
