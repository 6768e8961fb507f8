import {
  ApiException,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  V1MicroTime,
  makeInformer,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
  type V1ConfigMap,
  type V1Deployment,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployment, sleep, widget, WIDGET_CRD } from './fixtures.js';
import { startFakeApiServer, statusOf, STUCK_ANNOTATION, type FakeApiServer } from './index.js';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategicPatch = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const W = { group: 'test.aviary.dev', version: 'v1', plural: 'widgets' };

let server: FakeApiServer;
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;
let custom: CustomObjectsApi;

beforeAll(async () => {
  server = await startFakeApiServer({ namespaces: ['apps'] });
  server.registerCrd(WIDGET_CRD);
  kc = server.kubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  custom = kc.makeApiClient(CustomObjectsApi);
});
afterAll(() => server.close());

async function failure(
  promise: Promise<unknown>,
): Promise<{ code: number; reason?: string; message?: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiException);
    return { code: (err as ApiException<unknown>).code, ...statusOf(err) };
  }
  throw new Error('expected the request to fail');
}

describe('core CRUD through CoreV1Api', () => {
  it('creates, reads, lists by label and conflicts like a real server', async () => {
    const body: V1ConfigMap = { metadata: { name: 'settings', labels: { tier: 'web' } }, data: { a: '1' } };
    const created = await core.createNamespacedConfigMap({ namespace: 'apps', body });
    expect(created.metadata?.uid).toBeTruthy();
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);

    expect(await failure(core.createNamespacedConfigMap({ namespace: 'apps', body }))).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
    });
    expect(await failure(core.readNamespacedConfigMap({ namespace: 'apps', name: 'nope' }))).toMatchObject({
      code: 404,
      reason: 'NotFound',
    });
    expect(await failure(core.createNamespacedConfigMap({ namespace: 'missing', body }))).toMatchObject({
      code: 404,
      reason: 'NotFound',
    });

    await core.createNamespacedConfigMap({
      namespace: 'apps',
      body: { metadata: { name: 'other', labels: { tier: 'db' } } },
    });
    const names = async (labelSelector: string) =>
      (await core.listNamespacedConfigMap({ namespace: 'apps', labelSelector })).items.map(
        (i) => i.metadata?.name,
      );
    expect(await names('tier=web')).toEqual(['settings']);
    expect(await names('tier in (web,db)')).toEqual(['other', 'settings']);
    expect(await names('tier!=web')).toEqual(['other']);
    expect(await names('tier')).toEqual(['other', 'settings']);
    expect(await names('!tier')).toEqual([]);
    const byName = await core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.name=other' });
    expect(byName.items.map((i) => i.metadata?.namespace)).toEqual(['apps']);
  });

  it('rejects a stale update with 409 Conflict and accepts a fresh one', async () => {
    const cm = await core.readNamespacedConfigMap({ namespace: 'apps', name: 'settings' });
    const fresh = await core.replaceNamespacedConfigMap({
      namespace: 'apps',
      name: 'settings',
      body: { ...cm, data: { a: '2' } },
    });
    expect(fresh.metadata?.resourceVersion).not.toBe(cm.metadata?.resourceVersion);
    const stale = failure(
      core.replaceNamespacedConfigMap({
        namespace: 'apps',
        name: 'settings',
        body: { ...cm, data: { a: '3' } },
      }),
    );
    expect(await stale).toMatchObject({ code: 409, reason: 'Conflict' });
  });

  it('generates names', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: 'apps',
      body: { metadata: { generateName: 'gen-' } },
    });
    expect(created.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });
});

describe('Deployments through AppsV1Api', () => {
  it('defaults, bumps generation on spec changes only, and simulates the rollout', async () => {
    const created = await apps.createNamespacedDeployment({
      namespace: 'apps',
      body: deployment('web', 'apps') as V1Deployment,
    });
    expect(created.metadata?.generation).toBe(1);
    expect(created.spec?.strategy?.type).toBe('RollingUpdate');
    expect(created.status).toBeUndefined();

    const ready = await server.waitFor(
      'deployments.apps',
      'apps',
      'web',
      (d) => (d?.status as { readyReplicas?: number })?.readyReplicas === 2,
    );
    expect(ready?.status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
    });

    const labelled = await apps.patchNamespacedDeployment(
      { namespace: 'apps', name: 'web', body: { metadata: { labels: { extra: 'x' } } } },
      mergePatch,
    );
    expect(labelled.metadata?.generation).toBe(1);
    const scaled = await apps.patchNamespacedDeployment(
      { namespace: 'apps', name: 'web', body: { spec: { replicas: 3 } } },
      mergePatch,
    );
    expect(scaled.metadata?.generation).toBe(2);
    const done = await server.waitFor(
      'deployments.apps',
      'apps',
      'web',
      (d) => (d?.status as { observedGeneration?: number })?.observedGeneration === 2,
    );
    expect(done?.status).toMatchObject({
      readyReplicas: 3,
      conditions: expect.arrayContaining([
        expect.objectContaining({ type: 'Progressing', reason: 'NewReplicaSetAvailable' }),
      ]),
    });
  });

  it('merges containers by name with a strategic merge patch', async () => {
    const patched = await apps.patchNamespacedDeployment(
      {
        namespace: 'apps',
        name: 'web',
        body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'podinfo:6.1.0' }] } } } },
      },
      strategicPatch,
    );
    const container = patched.spec?.template.spec?.containers[0];
    expect(container?.image).toBe('podinfo:6.1.0');
    expect(container?.ports?.[0]?.containerPort).toBe(9898);
  });

  it('writes status only through /status and scales through /scale', async () => {
    const current = await apps.readNamespacedDeployment({ namespace: 'apps', name: 'web' });
    const mixed = await apps.patchNamespacedDeployment(
      {
        namespace: 'apps',
        name: 'web',
        body: { metadata: { annotations: { note: 'a' } }, status: { replicas: 99 } },
      },
      mergePatch,
    );
    expect(mixed.status?.replicas).toBe(current.status?.replicas);
    const status = await apps.patchNamespacedDeploymentStatus(
      { namespace: 'apps', name: 'web', body: { spec: { replicas: 7 }, status: { collisionCount: 1 } } },
      mergePatch,
    );
    expect(status.status?.collisionCount).toBe(1);
    expect(status.spec?.replicas).toBe(current.spec?.replicas);
    expect(status.metadata?.generation).toBe(current.metadata?.generation);

    const scale = await apps.readNamespacedDeploymentScale({ namespace: 'apps', name: 'web' });
    expect(scale.status?.selector).toBe('app=web');
    await apps.patchNamespacedDeploymentScale(
      { namespace: 'apps', name: 'web', body: { spec: { replicas: 1 } } },
      mergePatch,
    );
    expect((await apps.readNamespacedDeployment({ namespace: 'apps', name: 'web' })).spec?.replicas).toBe(1);
  });

  it('keeps a stuck deployment unready and reports the progress deadline', async () => {
    const stuck = deployment('stuck', 'apps', 1) as V1Deployment;
    stuck.metadata = { ...stuck.metadata, annotations: { [STUCK_ANNOTATION]: 'true' } };
    stuck.spec = { ...stuck.spec!, progressDeadlineSeconds: 1 };
    await apps.createNamespacedDeployment({ namespace: 'apps', body: stuck });
    const progressing = (d: unknown) =>
      ((d as V1Deployment | undefined)?.status?.conditions ?? []).find((c) => c.type === 'Progressing');
    const before = await server.waitFor(
      'deployments.apps',
      'apps',
      'stuck',
      (d) => progressing(d)?.reason === 'ReplicaSetUpdated',
    );
    expect((before as V1Deployment).status?.readyReplicas).toBeUndefined();
    const after = await server.waitFor(
      'deployments.apps',
      'apps',
      'stuck',
      (d) => progressing(d)?.reason === 'ProgressDeadlineExceeded',
      3000,
    );
    expect(progressing(after)?.status).toBe('False');
  });

  it('rejects an invalid deployment with 422 and field causes', async () => {
    const bad = deployment('bad', 'apps') as V1Deployment;
    bad.spec!.template.metadata = { labels: { app: 'other' } };
    const err = await failure(apps.createNamespacedDeployment({ namespace: 'apps', body: bad }));
    expect(err).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(JSON.stringify(err.details)).toContain('spec.template.metadata.labels');
  });
});

describe('custom resources through CustomObjectsApi', () => {
  it('validates against the openAPIV3Schema and prunes unknown fields', async () => {
    const err = await failure(
      custom.createNamespacedCustomObject({
        ...W,
        namespace: 'apps',
        body: widget('bad', { replicas: 'two', mode: 'Sideways', interval: '5 minutes' }, 'apps'),
      }),
    );
    expect(err).toMatchObject({ code: 422, reason: 'Invalid' });
    const fields = (err.details?.causes as { field: string }[]).map((c) => c.field).sort();
    expect(fields).toEqual(['spec.image', 'spec.interval', 'spec.mode', 'spec.replicas']);

    const created = (await custom.createNamespacedCustomObject({
      ...W,
      namespace: 'apps',
      body: widget(
        'w1',
        {
          image: 'podinfo',
          port: 'http',
          unknown: 1,
          extra: { anything: { goes: true } },
          selector: { app: 'x' },
        },
        'apps',
      ),
    })) as { spec: Record<string, unknown>; metadata: { generation: number } };
    expect(created.spec).toEqual({
      image: 'podinfo',
      port: 'http',
      replicas: 1,
      extra: { anything: { goes: true } },
      selector: { app: 'x' },
    });
    expect(created.metadata.generation).toBe(1);
  });

  it('status subresource keeps generation; spec changes bump it', async () => {
    const status = (await custom.patchNamespacedCustomObjectStatus(
      {
        ...W,
        namespace: 'apps',
        name: 'w1',
        body: { status: { phase: 'Progressing' }, spec: { image: 'ignored' } },
      },
      mergePatch,
    )) as { spec: { image: string }; status: { phase: string }; metadata: { generation: number } };
    expect(status.status.phase).toBe('Progressing');
    expect(status.spec.image).toBe('podinfo');
    expect(status.metadata.generation).toBe(1);

    const spec = (await custom.patchNamespacedCustomObject(
      { ...W, namespace: 'apps', name: 'w1', body: { spec: { replicas: 3 }, status: { phase: 'x' } } },
      mergePatch,
    )) as {
      status: { phase: string };
      metadata: { generation: number };
    };
    expect(spec.metadata.generation).toBe(2);
    expect(spec.status.phase).toBe('Progressing');
  });

  it('answers 415 to strategic merge patch, 422 to an update without resourceVersion, 409 to a stale one', async () => {
    const smp = failure(
      custom.patchNamespacedCustomObject(
        { ...W, namespace: 'apps', name: 'w1', body: { spec: { replicas: 2 } } },
        strategicPatch,
      ),
    );
    expect(await smp).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    const current = (await custom.getNamespacedCustomObject({ ...W, namespace: 'apps', name: 'w1' })) as {
      metadata: Record<string, unknown>;
    };
    const { resourceVersion, ...noRv } = current.metadata;
    const body = { ...current, metadata: noRv };
    expect(
      await failure(custom.replaceNamespacedCustomObject({ ...W, namespace: 'apps', name: 'w1', body })),
    ).toMatchObject({ code: 422 });
    await custom.patchNamespacedCustomObject(
      { ...W, namespace: 'apps', name: 'w1', body: { metadata: { labels: { touched: 'yes' } } } },
      mergePatch,
    );
    const stale = { ...current, metadata: { ...noRv, resourceVersion } };
    expect(
      await failure(
        custom.replaceNamespacedCustomObject({ ...W, namespace: 'apps', name: 'w1', body: stale }),
      ),
    ).toMatchObject({ code: 409, reason: 'Conflict' });
    // A resourceVersion inside a merge patch is a precondition too.
    const guarded = custom.patchNamespacedCustomObject(
      { ...W, namespace: 'apps', name: 'w1', body: { metadata: { resourceVersion }, spec: { replicas: 4 } } },
      mergePatch,
    );
    expect(await failure(guarded)).toMatchObject({ code: 409 });
  });

  it('keeps an object with finalizers until the last one is removed', async () => {
    await custom.createNamespacedCustomObject({
      ...W,
      namespace: 'apps',
      body: {
        ...widget('fin', undefined, 'apps'),
        metadata: { name: 'fin', finalizers: ['aviary.dev/cleanup'] },
      },
    });
    const deleting = (await custom.deleteNamespacedCustomObject({
      ...W,
      namespace: 'apps',
      name: 'fin',
    })) as { metadata: { deletionTimestamp?: string } };
    expect(deleting.metadata.deletionTimestamp).toBeTruthy();
    expect(server.get('widgets.test.aviary.dev', 'apps', 'fin')?.metadata.deletionTimestamp).toBeTruthy();
    const json = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
    await custom.patchNamespacedCustomObject(
      { ...W, namespace: 'apps', name: 'fin', body: [{ op: 'remove', path: '/metadata/finalizers' }] },
      json,
    );
    expect(server.get('widgets.test.aviary.dev', 'apps', 'fin')).toBeUndefined();
  });

  it('garbage-collects dependents when their owner goes', async () => {
    const owner = (await custom.createNamespacedCustomObject({
      ...W,
      namespace: 'apps',
      body: widget('owner', undefined, 'apps'),
    })) as { metadata: { uid: string } };
    await core.createNamespacedConfigMap({
      namespace: 'apps',
      body: {
        metadata: {
          name: 'owned',
          ownerReferences: [
            {
              apiVersion: 'test.aviary.dev/v1',
              kind: 'Widget',
              name: 'owner',
              uid: owner.metadata.uid,
              controller: true,
            },
          ],
        },
      },
    });
    await custom.deleteNamespacedCustomObject({ ...W, namespace: 'apps', name: 'owner' });
    await server.waitFor('configmaps', 'apps', 'owned', (o) => o === undefined);
  });

  it('works with the generic KubernetesObjectApi (discovery-driven)', async () => {
    const client = KubernetesObjectApi.makeApiClient(kc);
    const obj = widget('generic', { image: 'a' }, 'apps') as KubernetesObject;
    await client.create(obj);
    const patched = await client.patch(
      { ...obj, spec: { image: 'b' } } as KubernetesObject,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    expect((patched as { spec: { image: string } }).spec.image).toBe('b');
  });
});

describe('Leases through CoordinationV1Api', () => {
  it('accepts MicroTime and rejects millisecond timestamps', async () => {
    const coordination = kc.makeApiClient(CoordinationV1Api);
    const lease = await coordination.createNamespacedLease({
      namespace: 'apps',
      body: {
        metadata: { name: 'aviary-leader' },
        spec: {
          holderIdentity: 'a',
          leaseDurationSeconds: 15,
          acquireTime: new V1MicroTime(),
          renewTime: new V1MicroTime(),
        },
      },
    });
    expect(lease.spec?.holderIdentity).toBe('a');
    const raw = server.get('leases.coordination.k8s.io', 'apps', 'aviary-leader');
    expect((raw?.spec as { renewTime: string }).renewTime).toMatch(/\.\d{6}Z$/);
    const stale = coordination.replaceNamespacedLease({
      namespace: 'apps',
      name: 'aviary-leader',
      body: { ...lease, spec: { ...lease.spec, renewTime: new Date() as V1MicroTime } },
    });
    expect(await failure(stale)).toMatchObject({ code: 400, reason: 'BadRequest' });
  });
});

describe('informers', () => {
  it('delivers add/update/delete and survives dropped watches and compaction', async () => {
    await core.createNamespace({ body: { metadata: { name: 'informed' } } });
    const informer = makeInformer(kc, '/api/v1/namespaces/informed/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'informed' }),
    );
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add:${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update:${o.metadata?.name}:${o.data?.v}`));
    informer.on('delete', (o) => seen.push(`delete:${o.metadata?.name}`));
    const errors: unknown[] = [];
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({
        namespace: 'informed',
        body: { metadata: { name: 'a' }, data: { v: '1' } },
      });
      await core.patchNamespacedConfigMap(
        { namespace: 'informed', name: 'a', body: { data: { v: '2' } } },
        mergePatch,
      );
      await core.deleteNamespacedConfigMap({ namespace: 'informed', name: 'a' });
      await until(() => seen.length === 3);
      expect(seen).toEqual(['add:a', 'update:a:2', 'delete:a']);

      expect(server.dropWatches()).toBeGreaterThan(0);
      await core.createNamespacedConfigMap({ namespace: 'informed', body: { metadata: { name: 'b' } } });
      await until(() => seen.includes('add:b'));

      // A watch resumed from a compacted resourceVersion gets 410 and the informer re-lists.
      server.compactHistory();
      server.dropWatches();
      await core.createNamespacedConfigMap({ namespace: 'informed', body: { metadata: { name: 'c' } } });
      await until(() => seen.includes('add:c'), 5000);
      expect(
        informer
          .list()
          .map((o) => o.metadata?.name)
          .sort(),
      ).toEqual(['b', 'c']);
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });
});

describe('request log', () => {
  it('records verb, group, resource, subresource and namespace of every call', async () => {
    server.clearRequests();
    await apps.readNamespacedDeployment({ namespace: 'apps', name: 'web' });
    await apps.patchNamespacedDeploymentStatus(
      { namespace: 'apps', name: 'web', body: { status: {} } },
      mergePatch,
    );
    await core.listNamespace();
    const calls = server.requests.map((r) =>
      [r.verb, r.apiGroup, r.resource, r.subresource ?? '', r.namespace ?? ''].join(' '),
    );
    expect(calls).toEqual([
      'get apps deployments  apps',
      'patch apps deployments status apps',
      'list  namespaces  ',
    ]);
  });
});

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}
