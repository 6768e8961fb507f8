/**
 * Releases whose target is a core Service, end to end on the real control plane: a real `aviary
 * controller` process (deploy/rbac's grants) runs three Canaries, one per kind of router Flagger runs a
 * Service target with. `web` (istio): initialization creates `web-primary` and `web-canary` as copies of
 * the user's `web` Service and a VirtualService splitting `web` between them; a change to `web`'s spec is
 * a new revision whose split follows stepWeight, and promotion gives the primary the new spec; a revision
 * whose rollout check fails is rolled back (all traffic on the primary, which keeps the last promoted
 * spec). `shop` (gatewayapi:v1): the same split in an HTTPRoute. `api` (kubernetes): blue/green by
 * iterations, no routing object. The user's Services are the apexes and are never written.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { V1Service } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Canary } from '../../src/api/types.js';
import { GROUP, VERSION, plain, type KubeClients } from '../../src/kube/client.js';
import { testCluster } from '../cluster/index.js';
import { waitFor } from '../cli/run-cli.js';
import { spawnController, type ControllerProcess } from '../e2e/support/controller-process.js';
import { serviceTargetObjects } from './service-target-objects.js';

vi.setConfig({ testTimeout: 150_000 });

const cluster = testCluster();
const STEP = 20;
const MAX = 40;
/** Each weight holds for an interval: long enough for the 100 ms poll to see it on a loaded machine. */
const STEP_INTERVAL = '2s';
let admin: KubeClients;
let namespace = '';
let controller: ControllerProcess | undefined;
let checks: Server | undefined;
/** What the rollout check answers: the failing revision's analysis gets 500s. */
let checkStatus = 200;

interface Destination {
  destination: { host: string };
  weight?: number;
}
interface VirtualService {
  spec: { hosts?: string[]; http?: { route: Destination[] }[] };
}
interface HTTPRoute {
  spec: { parentRefs?: unknown[]; rules?: { backendRefs: { name: string; weight?: number }[] }[] };
}

const readCanary = async (name: string) =>
  (await admin.custom.getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'canaries',
    namespace,
    name,
  })) as Canary;

const service = async (name: string) =>
  plain<V1Service>(await admin.core.readNamespacedService({ name, namespace }));

async function routingObject<T>(group: string, plural: string, name: string): Promise<T | undefined> {
  try {
    return (await admin.custom.getNamespacedCustomObject({
      group,
      version: 'v1',
      plural,
      namespace,
      name,
    })) as T;
  } catch {
    return undefined;
  }
}

const virtualService = () => routingObject<VirtualService>('networking.istio.io', 'virtualservices', 'web');
const httpRoute = () => routingObject<HTTPRoute>('gateway.networking.k8s.io', 'httproutes', 'shop');

/** The canary's weight in the VirtualService's (last, weighted) route. */
const canaryWeightOf = (vs: VirtualService) =>
  vs.spec.http?.at(-1)?.route.find((d) => d.destination.host === 'web-canary')?.weight ?? 0;

/** Each backend of the HTTPRoute's (last, weighted) rule with its weight. */
const backendsOf = (route: HTTPRoute) =>
  route.spec.rules?.at(-1)?.backendRefs.map((b) => [b.name, b.weight]) ?? [];

/** Polls `weightNow` and keeps each canary weight it reads, in order, until stopped. */
function recordWeights(weightNow: () => Promise<number | undefined>) {
  const seen: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const weight = await weightNow();
      if (weight !== undefined && seen.at(-1) !== weight) seen.push(weight);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return seen;
    },
  };
}

const vsWeight = async () => {
  const vs = await virtualService();
  return vs && canaryWeightOf(vs);
};

async function untilPhase(phase: string, name = 'web', timeoutMs = 90_000): Promise<Canary> {
  const read = () => readCanary(name);
  return waitFor(`${name} phase ${phase}`, read, (c) => c.status?.phase === phase, timeoutMs).catch(
    (err: Error) => {
      throw new Error(`${err.message}\n${controller?.tail() ?? ''}`);
    },
  );
}

async function setSelector(app: string, name = 'web') {
  const patched = await cluster.kubectl([
    'patch',
    'service',
    name,
    '-n',
    namespace,
    '--type',
    'merge',
    '-p',
    JSON.stringify({ spec: { selector: { app } } }),
  ]);
  if (patched.code !== 0) throw new Error(`patching service ${name} failed: ${patched.stderr}`);
}

beforeAll(async () => {
  admin = cluster.adminClients();
  namespace = await cluster.newNamespace('svc-release');
  checks = createServer((_req, res) => {
    res.statusCode = checkStatus;
    res.end();
  });
  await new Promise<void>((resolve) => checks!.listen(0, '127.0.0.1', resolve));
  const checkUrl = `http://127.0.0.1:${(checks.address() as AddressInfo).port}/check`;
  const objects = [
    ...serviceTargetObjects({
      namespace,
      name: 'web',
      provider: 'istio',
      spec: { progressDeadlineSeconds: 60 },
      analysis: {
        interval: STEP_INTERVAL,
        threshold: 2,
        stepWeight: STEP,
        maxWeight: MAX,
        webhooks: [{ name: 'check', type: 'rollout', url: checkUrl, timeout: '2s' }],
      },
    }),
    ...serviceTargetObjects({
      namespace,
      name: 'shop',
      provider: 'gatewayapi:v1',
      spec: { service: { port: 80, gatewayRefs: [{ name: 'public', namespace }] } },
      analysis: { interval: STEP_INTERVAL, threshold: 2, stepWeight: 50, maxWeight: 50 },
    }),
    // provider kubernetes cannot split: blue/green by iterations, and no Service is the router's.
    ...serviceTargetObjects({
      namespace,
      name: 'api',
      provider: 'kubernetes',
      analysis: { interval: '1s', threshold: 2, iterations: 2 },
    }),
  ];
  const applied = await cluster.kubectl(['apply', '-n', namespace, '-f', '-'], {
    stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
  });
  if (applied.code !== 0) throw new Error(`applying the release failed: ${applied.stderr}`);
  controller = spawnController({
    kubeconfig: await cluster.controllerKubeconfig(),
    namespace,
    // No metric is analysed: nothing is ever asked of this address.
    metricsServer: 'http://127.0.0.1:9',
  });
}, 120_000);

afterAll(async () => {
  await controller?.kill();
  checks?.close();
  if (namespace) await cluster.deleteNamespace(namespace);
});

describe('a release of a core Service target, driven by the controller', () => {
  it('initializes: the primary and canary Services are copies of the target, routed by a VirtualService', async () => {
    const initialized = await untilPhase('Initialized');
    expect(initialized.status?.canaryWeight).toBe(0);
    for (const name of ['web-primary', 'web-canary']) {
      const copy = await service(name);
      expect(copy.spec?.selector, name).toEqual({ app: 'web-blue' });
      expect(copy.metadata?.ownerReferences?.[0], name).toMatchObject({ kind: 'Canary', name: 'web' });
    }
    const apex = await service('web');
    expect(apex.metadata?.ownerReferences, 'the apex stays the user’s').toBeUndefined();
    expect(apex.spec?.selector).toEqual({ app: 'web-blue' });
    const vs = await virtualService();
    expect(vs?.spec.hosts).toContain('web');
    expect(vs?.spec.http?.at(-1)?.route.map((d) => [d.destination.host, d.weight])).toEqual([
      ['web-primary', 100],
      ['web-canary', 0],
    ]);
    const deployments = await admin.apps.listNamespacedDeployment({ namespace });
    expect(deployments.items, 'no workload is Aviary’s').toEqual([]);
  });

  it('a change to the target Service progresses by stepWeight and is promoted to the primary', async () => {
    const weights = recordWeights(vsWeight);
    await setSelector('web-green');
    const succeeded = await untilPhase('Succeeded');
    const seen = await weights.stop();
    expect(seen, 'the VirtualService split, in order').toEqual([0, STEP, MAX, 0]);
    expect((await service('web-primary')).spec?.selector).toEqual({ app: 'web-green' });
    expect((await service('web-canary')).spec?.selector).toEqual({ app: 'web-green' });
    expect((await service('web')).metadata?.ownerReferences).toBeUndefined();
    expect(succeeded.status?.lastPromotedSpec).toBe(succeeded.status?.lastAppliedSpec);
  });

  it('a revision whose checks fail is rolled back: all traffic on the primary, which keeps its spec', async () => {
    checkStatus = 500;
    const weights = recordWeights(vsWeight);
    await setSelector('web-red');
    const failed = await untilPhase('Failed');
    const seen = await weights.stop();
    expect(failed.status?.canaryWeight).toBe(0);
    expect(seen.at(-1), 'after the rollback').toBe(0);
    expect(Math.max(...seen), 'never past the first step: two failed checks end it').toBeLessThanOrEqual(
      STEP,
    );
    expect((await service('web-primary')).spec?.selector).toEqual({ app: 'web-green' });
    expect((await service('web-canary')).spec?.selector, 'the canary copy follows the target').toEqual({
      app: 'web-red',
    });
    const events = await admin.core.listNamespacedEvent({
      namespace,
      fieldSelector: 'involvedObject.kind=Canary,involvedObject.name=web',
    });
    expect(events.items.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/^Canary failed! Scaling down web\./),
    );
  });

  it('provider gatewayapi:v1: the HTTPRoute splits the user’s Service between the copies, step by step', async () => {
    await untilPhase('Initialized', 'shop');
    const initial = await httpRoute();
    expect(initial && backendsOf(initial)).toEqual([
      ['shop-primary', 100],
      ['shop-canary', 0],
    ]);
    const weights = recordWeights(async () => {
      const route = await httpRoute();
      return route?.spec.rules?.at(-1)?.backendRefs.find((b) => b.name === 'shop-canary')?.weight;
    });
    await setSelector('shop-green', 'shop');
    await untilPhase('Succeeded', 'shop');
    expect(await weights.stop(), 'the HTTPRoute split, in order').toEqual([0, 50, 0]);
    expect((await service('shop-primary')).spec?.selector).toEqual({ app: 'shop-green' });
  });

  it('provider kubernetes: the same release as blue/green, the user’s Service untouched and no routing object', async () => {
    await untilPhase('Initialized', 'api');
    expect((await service('api-primary')).spec?.selector).toEqual({ app: 'api-blue' });
    await setSelector('api-green', 'api');
    await untilPhase('Progressing', 'api');
    const succeeded = await untilPhase('Succeeded', 'api');
    expect(succeeded.status?.iterations ?? 0).toBe(0);
    expect((await service('api-primary')).spec?.selector).toEqual({ app: 'api-green' });
    const apex = await service('api');
    expect(apex.metadata?.ownerReferences).toBeUndefined();
    expect(apex.spec?.selector).toEqual({ app: 'api-green' });
    const services = await admin.core.listNamespacedService({ namespace });
    const expected = ['api', 'shop', 'web'].flatMap((n) => [n, `${n}-canary`, `${n}-primary`]);
    expect(services.items.map((s) => s.metadata?.name).sort(), 'the user’s and the copies, no more').toEqual(
      expected.sort(),
    );
    const events = await admin.core.listNamespacedEvent({
      namespace,
      fieldSelector: 'involvedObject.kind=Canary,involvedObject.name=api',
    });
    const messages = events.items.map((e) => e.message ?? '');
    expect(messages).toContainEqual(expect.stringMatching(/^Advance api\.\S+ canary iteration 2\/2$/));
  });
});
