/**
 * The core Service target (src/targets/kubernetes/service-target.ts, Flagger's ServiceController) on the
 * real control plane, through the per-kind workload target the controller uses, as the controller's
 * ServiceAccount with only deploy/rbac's grants: the copies are real Services the API server allocates
 * for, owned by a real Canary; the user's Service is never written.
 */
import type { V1Service } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import type { Canary } from '../../src/api/types.js';
import { plain } from '../../src/kube/client.js';
import { retryOnConflict } from '../../src/kube/failure.js';
import { serviceTarget } from '../../src/targets/kubernetes/service-target.js';
import { canaryFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import { kubernetesWorkloadTarget } from '../../src/targets/kubernetes/workload-target.js';
import { targetTest } from './target-test.js';

vi.setConfig({ testTimeout: 120_000 });

const env = targetTest((controller) => kubernetesWorkloadTarget(controller));
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function webService(ns: string, spec: V1Service['spec']): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'web',
      namespace: ns,
      labels: { app: 'web', team: 'payments' },
      annotations: { [LAST_APPLIED]: '{"kind":"Service"}', 'example.com/owner': 'payments' },
    },
    spec,
  };
}

/** A namespace with the Service `web` and a real Canary targeting it. */
async function world(spec: V1Service['spec'], service: Partial<Canary['spec']['service']> = {}) {
  const ns = await env.newNamespace('svc-target');
  await env.admin.core.createNamespacedService({ namespace: ns, body: webService(ns, spec) });
  const base = canaryFor(ns, 'web');
  const canary = await env.createCanary({
    ...base,
    spec: {
      ...base.spec,
      targetRef: { apiVersion: 'v1', kind: 'Service', name: 'web' },
      service: { ...base.spec.service, port: 80, ...service },
    },
  });
  return { ns, canary };
}

const read = async (ns: string, name: string) =>
  plain<V1Service>(await env.admin.core.readNamespacedService({ name, namespace: ns }));

/** What `kubectl apply` of an edited manifest does to the user's Service. */
async function editTarget(ns: string, edit: (spec: NonNullable<V1Service['spec']>) => void) {
  await retryOnConflict(async () => {
    const current = await read(ns, 'web');
    edit(current.spec!);
    await env.admin.core.replaceNamespacedService({ name: 'web', namespace: ns, body: current });
  });
}

const setSelector = (ns: string, app: string) =>
  editTarget(ns, (spec) => {
    spec.selector = { app };
  });

const CLUSTER_IP = {
  type: 'ClusterIP',
  selector: { app: 'web-blue' },
  ports: [{ name: 'http', port: 80, targetPort: 9898 }],
};

describe('Service target (Flagger’s ServiceController)', () => {
  it('initialize copies the target to <name>-canary and <name>-primary, owned by the Canary, with their own IPs', async () => {
    const { ns, canary } = await world(CLUSTER_IP, { trafficDistribution: 'PreferClose' });
    const before = await read(ns, 'web');

    expect(await env.target.initialize(canary)).toEqual({ ready: true });

    for (const name of ['web-canary', 'web-primary']) {
      const copy = await read(ns, name);
      expect(copy.metadata?.labels, name).toEqual({ app: 'web', team: 'payments' });
      expect(copy.metadata?.annotations, `${name}: kubectl's record is not copied`).toEqual({
        'example.com/owner': 'payments',
      });
      expect(copy.metadata?.ownerReferences, name).toEqual([
        expect.objectContaining({ kind: 'Canary', name: 'web', uid: canary.metadata.uid, controller: true }),
      ]);
      expect(copy.spec?.selector, name).toEqual({ app: 'web-blue' });
      expect(copy.spec?.ports, name).toEqual([{ name: 'http', port: 80, protocol: 'TCP', targetPort: 9898 }]);
      expect(copy.spec?.trafficDistribution, name).toBe('PreferClose');
      expect(copy.spec?.clusterIP, `${name} has a cluster IP of its own`).toMatch(/^10\.96\./);
      expect(copy.spec?.clusterIP).not.toBe(before.spec?.clusterIP);
    }
    const after = await read(ns, 'web');
    expect(after.metadata?.resourceVersion, 'the target is never written').toBe(
      before.metadata?.resourceVersion,
    );
    expect(after.spec?.trafficDistribution).toBeUndefined();
    expect(await env.target.primaryReadiness(canary)).toEqual({ ready: true });
    expect(await env.target.canaryReadiness(canary)).toEqual({ ready: true });
  });

  it('a new revision is a change to the target spec: the canary follows it, the primary only on promotion', async () => {
    const { ns, canary } = await world(CLUSTER_IP);
    await env.target.initialize(canary);
    const first = await env.target.revision(canary);
    const primaryIP = (await read(ns, 'web-primary')).spec?.clusterIP;
    const canaryIP = (await read(ns, 'web-canary')).spec?.clusterIP;

    // Writing the copies is not a change to the target.
    await env.target.initialize(canary);
    expect(await env.target.revision(canary)).toEqual(first);
    const steady = (await read(ns, 'web-canary')).metadata?.resourceVersion;
    await env.target.initialize(canary);
    expect(
      (await read(ns, 'web-canary')).metadata?.resourceVersion,
      'an unchanged copy is not rewritten',
    ).toBe(steady);

    await setSelector(ns, 'web-green');
    const second = await env.target.revision(canary);
    expect(second.spec).not.toBe(first.spec);

    await env.target.initialize(canary);
    expect((await read(ns, 'web-canary')).spec?.selector).toEqual({ app: 'web-green' });
    expect((await read(ns, 'web-primary')).spec?.selector, 'the primary waits for promotion').toEqual({
      app: 'web-blue',
    });
    await env.target.scaleCanaryUp(canary); // nothing to scale: the pods behind the Service are the user's
    await env.target.scaleCanaryToZero(canary);

    await env.target.promote(canary);
    const promoted = await read(ns, 'web-primary');
    expect(promoted.spec?.selector).toEqual({ app: 'web-green' });
    expect(promoted.spec?.clusterIP, 'the primary keeps its address').toBe(primaryIP);
    expect((await read(ns, 'web-canary')).spec?.clusterIP).toBe(canaryIP);
    expect(promoted.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Canary',
      uid: canary.metadata.uid,
    });
    expect(await env.target.revision(canary), 'promotion does not change the target').toEqual(second);

    // revertOnDeletion: nothing to give back; the copies go with the Canary.
    await env.target.finalize(canary);
    expect((await read(ns, 'web')).spec?.selector).toEqual({ app: 'web-green' });
  });

  it('a NodePort target: the copies get node ports of their own and keep them when the target changes', async () => {
    const { ns, canary } = await world({ ...CLUSTER_IP, type: 'NodePort' });
    await env.target.initialize(canary);
    const nodePortOf = async (name: string) => (await read(ns, name)).spec?.ports?.[0]?.nodePort;
    const ports = {
      target: await nodePortOf('web'),
      canary: await nodePortOf('web-canary'),
      primary: await nodePortOf('web-primary'),
    };
    expect(new Set(Object.values(ports)).size, JSON.stringify(ports)).toBe(3);
    await setSelector(ns, 'web-green');
    await env.target.initialize(canary);
    await env.target.promote(canary);
    expect(await nodePortOf('web-canary')).toBe(ports.canary);
    expect(await nodePortOf('web-primary')).toBe(ports.primary);
    expect((await read(ns, 'web-primary')).spec?.selector).toEqual({ app: 'web-green' });
  });

  it('an ExternalName target (a release across clusters): the copies name the same host, and follow a change of type', async () => {
    const { ns, canary } = await world({ type: 'ExternalName', externalName: 'blue.example.com' });
    await env.target.initialize(canary);
    for (const name of ['web-canary', 'web-primary'])
      expect((await read(ns, name)).spec, name).toMatchObject({
        type: 'ExternalName',
        externalName: 'blue.example.com',
      });
    await editTarget(ns, (spec) => {
      spec.externalName = 'green.example.com';
    });
    await env.target.initialize(canary);
    expect((await read(ns, 'web-canary')).spec?.externalName).toBe('green.example.com');
    expect((await read(ns, 'web-primary')).spec?.externalName).toBe('blue.example.com');
    await env.target.promote(canary);
    expect((await read(ns, 'web-primary')).spec?.externalName).toBe('green.example.com');

    // Moving back into the cluster: the copies change type and get cluster IPs of their own.
    await editTarget(ns, (spec) => {
      Object.assign(spec, { ...CLUSTER_IP, externalName: undefined });
    });
    await env.target.initialize(canary);
    await env.target.promote(canary);
    for (const name of ['web-canary', 'web-primary']) {
      const copy = await read(ns, name);
      expect(copy.spec, name).toMatchObject({ type: 'ClusterIP', selector: { app: 'web-blue' } });
      expect(copy.spec?.clusterIP, name).toMatch(/^10\.96\./);
    }
  });

  it('-include-label-prefix: only the labels it names are copied', async () => {
    const { ns, canary } = await world(CLUSTER_IP);
    await serviceTarget(env.controller, { includeLabelPrefixes: ['team'] }).initialize(canary);
    for (const name of ['web-canary', 'web-primary'])
      expect((await read(ns, name)).metadata?.labels, name).toEqual({ team: 'payments' });
  });

  it('a target Service without service.port is refused with the fix, before any copy is written', async () => {
    const { ns, canary } = await world(CLUSTER_IP, { port: 8080 });
    await expect(env.target.initialize(canary)).rejects.toThrow(
      'spec.service.port 8080 is not a port of Service web (it has 80) — set service.port to the port the copies are to be reached on',
    );
    const services = await env.admin.core.listNamespacedService({ namespace: ns });
    expect(services.items.map((s) => s.metadata?.name)).toEqual(['web']);
  });

  it('a missing target Service is NOT_FOUND with the fix', async () => {
    const ns = await env.newNamespace('svc-target');
    const base = canaryFor(ns, 'absent');
    const canary = await env.createCanary({
      ...base,
      spec: { ...base.spec, targetRef: { apiVersion: 'v1', kind: 'Service', name: 'absent' } },
    });
    await expect(env.target.initialize(canary)).rejects.toThrow(
      `service ${ns}/absent named by targetRef not found — create it or fix spec.targetRef.name`,
    );
  });
});
