/**
 * A release of a Knative Service through real Knative Serving (test/knative/serving.ts): Serving's
 * webhook defaults the Service, its controller creates the Revisions and their Deployments (KWOK runs
 * the pods) and marks them Ready, and its Route reconciler turns the Service's traffic block into the
 * KIngress split. A real `aviary controller` process (deploy/rbac's grants) runs the Canary: it records
 * the first revision as the primary, and a new image gives a second revision to which the weights
 * step in the Service's spec.traffic, then promotes it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Canary } from '../../src/api/types.js';
import { GROUP, VERSION } from '../../src/kube/client.js';
import { KNATIVE_GROUP, KNATIVE_VERSION, PRIMARY_REVISION } from '../../src/routers/knative/index.js';
import { testCluster } from '../cluster/index.js';
import { waitFor } from '../cli/run-cli.js';
import { spawnController, type ControllerProcess } from '../e2e/support/controller-process.js';
import { startKnativeServing, type KnativeServing } from '../knative/serving.js';

vi.setConfig({ testTimeout: 240_000 });

const cluster = testCluster();
const admin = cluster.adminClients();
const apiVersion = `${KNATIVE_GROUP}/${KNATIVE_VERSION}`;
const OLD_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.0.0';
const NEW_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.0.1';
let namespace = '';
let serving: KnativeServing | undefined;
let controller: ControllerProcess | undefined;

interface Condition {
  type: string;
  status: string;
  reason?: string;
}
interface KnativeObject {
  metadata: {
    name: string;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string; name: string }[];
  };
  spec: Record<string, unknown>;
  status?: { conditions?: Condition[]; latestCreatedRevisionName?: string };
}
interface TrafficTarget {
  revisionName?: string;
  latestRevision?: boolean;
  percent?: number;
}
interface KIngress {
  spec: { rules?: { http: { paths: { splits: { serviceName: string; percent: number }[] }[] } }[] };
}

const read = async <T = KnativeObject>(group: string, version: string, plural: string, name: string) =>
  (await admin.custom
    .getNamespacedCustomObject({ group, version, plural, namespace, name })
    .catch(() => undefined)) as T | undefined;
const knativeService = () => read(KNATIVE_GROUP, KNATIVE_VERSION, 'services', 'podinfo');
const revision = (name: string) => read(KNATIVE_GROUP, KNATIVE_VERSION, 'revisions', name);
const kingress = () => read<KIngress>('networking.internal.knative.dev', 'v1alpha1', 'ingresses', 'podinfo');
const canary = async () => (await read<Canary>(GROUP, VERSION, 'canaries', 'podinfo'))!;
const conditionsOf = (o: KnativeObject | undefined) =>
  Object.fromEntries((o?.status?.conditions ?? []).map((c) => [c.type, c.status]));

/** Everything the processes said, for a failing wait. */
const logs = () => `${controller?.tail() ?? ''}\n${serving?.tail() ?? ''}`;
const until = <T>(what: string, get: () => Promise<T>, ok: (t: T) => boolean, timeoutMs = 180_000) =>
  waitFor(what, get, ok, timeoutMs).catch((err: Error) => {
    throw new Error(`${err.message}\n${logs()}`);
  });

beforeAll(async () => {
  namespace = await cluster.newNamespace('knative-serving');
  serving = await startKnativeServing(cluster, [namespace]);
  const objects = [
    {
      // as Flagger's Knative tutorial: no container name, no ports' names; Serving's webhook fills them in
      apiVersion,
      kind: 'Service',
      metadata: { name: 'podinfo', namespace },
      spec: { template: { spec: { containers: [{ image: OLD_IMAGE, ports: [{ containerPort: 9898 }] }] } } },
    },
    {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'Canary',
      metadata: { name: 'podinfo', namespace },
      spec: {
        provider: 'knative',
        // Aviary's schema requires a service block; Knative reads no port from it (see aviary convert)
        service: { port: 80 },
        targetRef: { apiVersion, kind: 'Service', name: 'podinfo' },
        progressDeadlineSeconds: 120,
        // No metric or webhook: promotion after the weight steps. Each step holds for an interval, long
        // enough for the 250 ms poll below to see it on a loaded machine.
        analysis: { interval: '4s', threshold: 2, stepWeight: 25, maxWeight: 50 },
      },
    },
  ];
  const applied = await cluster.kubectl(['apply', '-n', namespace, '-f', '-'], {
    stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
  });
  if (applied.code !== 0) throw new Error(`applying the Knative Service and Canary: ${applied.stderr}`);
  controller = spawnController({
    kubeconfig: await cluster.controllerKubeconfig(),
    namespace,
    // No metric is analysed: nothing is ever asked of this address.
    metricsServer: 'http://127.0.0.1:9',
  });
}, 300_000);

afterAll(async () => {
  await controller?.kill();
  await serving?.stop();
  if (namespace) await cluster.deleteNamespace(namespace);
});

/** Polls `percentNow` every 250 ms and keeps each value it reads, in order, until stopped. */
function record(percentNow: () => Promise<number | undefined>) {
  const seen: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const percent = await percentNow().catch(() => undefined);
      if (percent !== undefined && seen.at(-1) !== percent) seen.push(percent);
      await new Promise((r) => setTimeout(r, 250));
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

describe('a Knative Service released through Knative Serving', () => {
  it('initializes: Serving made revision 1 and its Deployment, marked it Ready, and Aviary records it as the primary', async () => {
    const initialized = await until('Canary Initialized', canary, (c) => c.status?.phase === 'Initialized');
    expect(initialized.status?.canaryWeight).toBe(0);

    const service = (await knativeService())!;
    const [container] = (service.spec.template as { spec: { containers: { name?: string }[] } }).spec
      .containers;
    expect(container?.name, "Serving's webhook defaulted the Service").toBe('user-container');
    expect(service.status?.latestCreatedRevisionName).toBe('podinfo-00001');
    expect(service.metadata.annotations?.[PRIMARY_REVISION]).toBe('podinfo-00001');
    // `latestRevision: false` is the webhook's default for a target that names its revision
    expect(service.spec.traffic).toEqual([
      { latestRevision: true, percent: 0 },
      { revisionName: 'podinfo-00001', latestRevision: false, percent: 100 },
    ]);

    const first = await revision('podinfo-00001');
    expect(first?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Configuration', name: 'podinfo' });
    expect(conditionsOf(first)).toMatchObject({
      Ready: 'True',
      ResourcesAvailable: 'True',
      ContainerHealthy: 'True',
    });
    const deployment = await admin.apps.readNamespacedDeployment({
      name: 'podinfo-00001-deployment',
      namespace,
    });
    expect(deployment.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Revision',
      name: 'podinfo-00001',
    });
    expect(deployment.status?.readyReplicas).toBe(1);
  });

  it('a new image: Serving makes revision 2, the weights step in spec.traffic and the KIngress, then promotion', async () => {
    const latestPercent = async () =>
      ((await knativeService())?.spec.traffic as TrafficTarget[] | undefined)?.find((t) => t.latestRevision)
        ?.percent;
    const ingressPercent = async () =>
      (await kingress())?.spec.rules?.[0]?.http.paths[0]?.splits.find(
        (s) => s.serviceName === 'podinfo-00002',
      )?.percent ?? 0;
    const traffic = record(latestPercent);
    const ingress = record(ingressPercent);

    const patched = await cluster.kubectl([
      'patch',
      'services.serving.knative.dev',
      'podinfo',
      '-n',
      namespace,
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: NEW_IMAGE }]),
    ]);
    expect(patched.code, patched.stderr).toBe(0);

    await until('Canary Progressing', canary, (c) => c.status?.phase === 'Progressing');
    const succeeded = await until('Canary Succeeded', canary, (c) =>
      ['Succeeded', 'Failed'].includes(c.status?.phase ?? ''),
    );
    const weights = await traffic.stop();
    const split = await ingress.stop();
    expect(succeeded.status?.phase, logs()).toBe('Succeeded');

    expect(weights, "the latest revision's percent in the Service's spec.traffic").toEqual([0, 25, 50, 0]);
    expect(split, "revision 2's share of the KIngress Serving's Route wrote").toEqual(
      expect.arrayContaining([25, 50]),
    );
    const second = await revision('podinfo-00002');
    expect(conditionsOf(second)).toMatchObject({ Ready: 'True' });
    expect((second?.spec.containers as { image: string }[])[0]?.image).toBe(NEW_IMAGE);

    const service = (await knativeService())!;
    expect(service.metadata.annotations?.[PRIMARY_REVISION], 'revision 2 is the primary now').toBe(
      'podinfo-00002',
    );
    expect(service.spec.traffic).toEqual([
      { latestRevision: true, percent: 0 },
      { revisionName: 'podinfo-00002', latestRevision: false, percent: 100 },
    ]);
  });
});
