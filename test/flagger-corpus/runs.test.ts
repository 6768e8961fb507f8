/**
 * Issue 11's second half: every Canary of Flagger's own repository that Flagger's CRD accepts, converted
 * by `aviary convert`, runs. Each goes into a fresh namespace of the real control plane with what a user
 * following Flagger's docs has there (user-objects.ts), and real `aviary controller`s (the ServiceAccount
 * aviary-system/aviary, deploy/rbac's grants; one per namespace, all in one OS process:
 * controller-host.ts) drive them, each with the `--mesh-provider` Flagger runs it with. A user notices
 * that the Canary reaches Initialized, that `<target>-primary` exists and is ready, and that the objects
 * the router writes exist (so the real API server, with each provider's real CRD, accepted them).
 * The three whose analysis needs no data the cluster lacks are then given a new image and promoted.
 * The Canaries that cannot run here are the rows of docs/flagger-differences.md's "## Flagger Canaries
 * that cannot run here"; a listed Canary that runs fails the test, so the list only shrinks.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { GROUP, VERSION } from '../../src/kube/client.js';
import type { Canary } from '../../src/api/types.js';
import type { KubeObject } from '../cluster/objects.js';
import { testCluster } from '../cluster/index.js';
import { spawnController, type ControllerProcess } from '../e2e/support/controller-process.js';
import { convertThenValidate } from './aviary-cli.js';
import { flaggerCanaries } from './corpus.js';
import { FLAGGER_CRD_REFUSES } from './crd-refusals.js';
import { relocate } from './relocate.js';
import { userObjects } from './user-objects.js';
import { cannotRunHere } from './cannot-run.js';
import { routerObjects } from './router-objects.js';
import { isKnativeTarget, knativePrimary, untilServiceReady } from './knative.js';
import { startKnativeServing, type KnativeServing } from '../knative/serving.js';

const cluster = testCluster();
const admin = cluster.adminClients();
const HOST = fileURLToPath(new URL('./controller-host.ts', import.meta.url));
/** From when the last Canary is applied: they all run at once, under one deadline. */
const INITIALIZED_WITHIN_MS = 240_000;

/** 15 s intervals, three weight steps, promotion and finalising, on a busy machine. */
const RELEASED_WITHIN_MS = 240_000;
vi.setConfig({
  testTimeout: Math.max(INITIALIZED_WITHIN_MS, RELEASED_WITHIN_MS) + 60_000,
  maxConcurrency: 12,
});

const accepted = flaggerCanaries().filter((c) => !(c.name in FLAGGER_CRD_REFUSES));
const cannotRun = cannotRunHere();
const listedWhy = (name: string) => cannotRun.find((row) => row.manifest.test(name));

interface Running {
  namespace: string;
  canary: Record<string, unknown>;
  meshProvider: string;
}
/** The KEDA tutorial's Canary, run once more with the fix its error names (docs/flagger-differences.md). */
const KEDA_TUTORIAL = 'docs__gitbook__tutorials__keda-scaledobject.md--L81.yaml';
const KEDA_FIXED = `${KEDA_TUTORIAL} with triggers[].name set`;

/** The ScaledObject's trigger named in `triggers[].name`, where KEDA and Flagger read it, not in its metadata. */
function namedTrigger(object: KubeObject): KubeObject {
  if (object.kind !== 'ScaledObject') return object;
  const copy = structuredClone(object) as KubeObject & {
    spec: { triggers: { name?: string; metadata: Record<string, string> }[] };
  };
  for (const trigger of copy.spec.triggers) {
    trigger.name = trigger.metadata.name;
    delete trigger.metadata.name;
  }
  return copy;
}
const running = new Map<string, Running>();
const namespaces: string[] = [];
let controllers: ControllerProcess | undefined;
let serving: KnativeServing | undefined;
let alerts: Server | undefined;
let deadline = 0;

async function apply(namespace: string, objects: unknown[]): Promise<void> {
  const applied = await cluster.kubectl(['apply', '-n', namespace, '-f', '-'], {
    stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
  });
  if (applied.code !== 0) throw new Error(`kubectl apply in ${namespace}: ${applied.stderr}`);
}

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(0);
let startedAt = 0;

beforeAll(async () => {
  startedAt = Date.now();
  alerts = createServer((req, res) => {
    req.resume();
    res.end();
  });
  await new Promise<void>((resolve) => alerts!.listen(0, '127.0.0.1', resolve));
  const alertSink = `http://127.0.0.1:${(alerts.address() as AddressInfo).port}/alerts`;
  const queue = [
    ...accepted.map((c) => ({ key: c.name, source: c, adjust: (o: KubeObject) => o })),
    ...accepted
      .filter((c) => c.name === KEDA_TUTORIAL)
      .map((c) => ({ key: KEDA_FIXED, source: c, adjust: namedTrigger })),
  ];
  // the namespaces first, so that the controllers start up while the Canaries are set up
  const namespaceOf = new Map(
    await Promise.all(
      queue.map(
        async (q) =>
          [
            q.key,
            await cluster.newNamespace(`corpus-${q.source.name.replace(/--.*/, '').slice(-24)}`),
          ] as const,
      ),
    ),
  );
  namespaces.push(...namespaceOf.values());
  // Real Knative Serving, one per Knative Canary's namespace, up (its webhook answering) before the
  // Knative Services are applied: the webhook fills in what Flagger's tutorial Service leaves out
  const knative = queue
    .filter((q) => q.source.meshProvider === 'knative')
    .map((q) => namespaceOf.get(q.key) ?? '');
  const servingUp = startKnativeServing(cluster, knative).then((started) => (serving = started));
  controllers = spawnController({
    kubeconfig: await cluster.controllerKubeconfig(),
    namespace: '',
    // No metric is analysed: nothing asks this address.
    metricsServer: 'http://127.0.0.1:9',
    entry: [
      '--import',
      'tsx',
      HOST,
      queue.map((q) => `${namespaceOf.get(q.key)}=${q.source.meshProvider}`).join(','),
    ],
  });
  // one at a time: the CLI runs in this process and captures its stdout
  for (const next of queue) {
    const { name, text, meshProvider } = next.source;
    const verdict = await convertThenValidate(`runs.${name}`, text, meshProvider);
    if (verdict.code !== 0) throw new Error(`aviary validate refuses ${name}: ${verdict.errors.join('; ')}`);
    const namespace = namespaceOf.get(next.key) ?? '';
    const canary = relocate(parse(verdict.converted) as Record<string, unknown>, namespace);
    running.set(next.key, { namespace, canary, meshProvider });
  }
  console.log(`${running.size} Canaries converted and validated in ${seconds(startedAt)} s`);
  await servingUp;
  // applied four at a time: the API server is shared with every other test
  const toApply = [...queue];
  const knativeCanaries: Promise<void>[] = [];
  const worker = async () => {
    for (let next = toApply.shift(); next; next = toApply.shift()) {
      const { namespace, canary } = running.get(next.key)!;
      const objects = userObjects(canary, namespace, alertSink).map(next.adjust);
      if (!isKnativeTarget(canary)) {
        await apply(namespace, [...objects, canary]);
        continue;
      }
      // as Flagger's Knative e2e: the Service, then the Canary once Serving has made its revision Ready
      await apply(namespace, objects);
      const target = (canary.spec as { targetRef: { name: string } }).targetRef.name;
      knativeCanaries.push(
        untilServiceReady(admin, namespace, target, 180_000).then(() => apply(namespace, [canary])),
      );
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  await Promise.all(knativeCanaries);
  deadline = Date.now() + INITIALIZED_WITHIN_MS;
  console.log(`... and applied in ${seconds(startedAt)} s`);
}, 420_000);

// Up to 90 s of reverting, then the controllers and Knative Serving are stopped: longer than vitest's 60 s
afterAll(async () => {
  // A Canary with revertOnDeletion holds a finalizer its controller removes once it has reverted: delete
  // those while the controllers run; one still there after a minute is let go, or its namespace never goes.
  const reverting = [...running.values()].filter(
    (r) => (r.canary.spec as { revertOnDeletion?: boolean }).revertOnDeletion,
  );
  await Promise.all(
    reverting.map(async ({ namespace, canary }) => {
      const ref = [`canaries.aviary.dev/${(canary.metadata as { name: string }).name}`, '-n', namespace];
      const gone = await cluster.kubectl(['delete', ...ref, '--timeout=60s'], { timeoutMs: 90_000 });
      if (gone.code !== 0)
        await cluster.kubectl(['patch', ...ref, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    }),
  );
  await controllers?.kill();
  await serving?.stop();
  alerts?.close();
  await Promise.all(namespaces.map((ns) => cluster.deleteNamespace(ns)));
}, 180_000);

async function readCanary(namespace: string, name: string): Promise<Canary | undefined> {
  return (await admin.custom
    .getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'canaries', namespace, name })
    .catch(() => undefined)) as Canary | undefined;
}

/** Polls once a second until the Canary is Initialized or the shared deadline passes. */
async function untilInitialized(namespace: string, name: string): Promise<Canary | undefined> {
  for (;;) {
    const canary = await readCanary(namespace, name);
    if (canary?.status?.phase === 'Initialized' || Date.now() > deadline) return canary;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * The corpus Canaries whose analysis needs no data this cluster cannot give (every other one names a
 * builtin metric, which needs the mesh's Prometheus, or a webhook at flagger-loadtester, which is not
 * there): `skipAnalysis: true`, or no metrics and no webhooks (promotion after the weight steps).
 */
const RELEASED = [
  'test__istio__test-skip-analysis.sh--L10.yaml',
  'docs__gitbook__faq.md--L731.yaml',
  'test__linkerd__test-canary.sh--L138.yaml',
];
const NEW_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.0.1';
/** Each release as it went: the phases seen (polled from the new image on) and how long it took. */
const released = new Map<string, Promise<{ phases: string[]; seconds: string }>>();

/** Gives the target a new image and follows the Canary's phase until it ends or RELEASED_WITHIN_MS. */
async function release(name: string, namespace: string, canary: Record<string, unknown>): Promise<void> {
  const target = (canary.spec as { targetRef: { name: string } }).targetRef.name;
  const set = await cluster.kubectl([
    'set',
    'image',
    '-n',
    namespace,
    `deployment/${target}`,
    `podinfod=${NEW_IMAGE}`,
  ]);
  if (set.code !== 0) throw new Error(`kubectl set image in ${namespace}: ${set.stderr}`);
  const since = Date.now();
  const follow = async () => {
    const phases: string[] = [];
    const { name: canaryName } = canary.metadata as { name: string };
    for (;;) {
      const phase = (await readCanary(namespace, canaryName))?.status?.phase ?? '';
      if (phases.at(-1) !== phase) phases.push(phase);
      if (phase === 'Succeeded' || phase === 'Failed' || Date.now() > since + RELEASED_WITHIN_MS)
        return { phases, seconds: seconds(since) };
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  released.set(name, follow());
}

describe("Flagger's own Canaries run under aviary controller", () => {
  const runnable = [
    ...accepted.filter((c) => !listedWhy(c.name)).map((c) => [c.name, c.meshProvider]),
    ...accepted.filter((c) => c.name === KEDA_TUTORIAL).map((c) => [KEDA_FIXED, c.meshProvider]),
  ];
  // concurrently (vitest's maxConcurrency): each check's kubectl and API calls take seconds on a busy machine
  it.concurrent.for(runnable)(
    '%s (--mesh-provider %s): Initialized, its primary ready, its routing objects written',
    async ([name = '', meshProvider = ''], { expect }) => {
      const { namespace, canary } = running.get(name)!;
      const { name: canaryName } = canary.metadata as { name: string };
      const got = await untilInitialized(namespace, canaryName);
      if (got?.status?.phase !== 'Initialized')
        expect.fail(
          `${name} in ${namespace}: ${got?.status?.phase}; ${await warnings(namespace, canaryName)}`,
        );

      const target = (canary.spec as { targetRef: { kind: string; name: string } }).targetRef;
      if (isKnativeTarget(canary)) {
        // the revision Serving made is the primary, Ready, and the traffic block holds all on it
        const primary = await knativePrimary(admin, namespace, target.name);
        expect(primary, `${serving?.tail(10) ?? ''}`).toMatchObject({
          revision: `${target.name}-00001`,
          ready: true,
        });
        expect(primary.traffic).toEqual([
          { latestRevision: true, percent: 0 },
          { revisionName: primary.revision, latestRevision: false, percent: 100 },
        ]);
        console.log(`${name}: Initialized and checked ${seconds(startedAt)} s into the file`);
        return;
      }
      const primary = await primaryWorkload(namespace, target.kind, `${target.name}-primary`);
      expect(primary, `${target.kind} ${target.name}-primary`).toMatchObject({ ready: true });

      const expected = routerObjects(canary, meshProvider);
      const found = await cluster.kubectl(['get', '-n', namespace, '-o', 'json', ...expected]);
      expect(found.stderr, `the router's objects in ${namespace}`).toBe('');
      const items = (JSON.parse(found.stdout) as { items: OwnedObject[] }).items;
      const owned = items.map((o) => [
        `${o.kind}/${o.metadata.name}`,
        o.metadata.ownerReferences?.some((r) => r.uid === got?.metadata.uid) ?? false,
      ]);
      expect(owned, 'each owned by the Canary').toEqual(owned.map(([what]) => [what, true]));
      if (RELEASED.includes(name)) await release(name, namespace, canary);
      console.log(`${name}: Initialized and checked ${seconds(startedAt)} s into the file`);
    },
  );

  const listed = accepted.filter((c) => listedWhy(c.name));
  it.each(listed.map((c) => [c.name, listedWhy(c.name)?.why ?? '']))(
    '%s cannot run here (docs/flagger-differences.md): %s',
    async (name) => {
      const { namespace, canary } = running.get(name)!;
      const { name: canaryName } = canary.metadata as { name: string };
      // by the time the others are Initialized (or the deadline), this one has been tried for as long
      await untilOthersDone();
      const got = await readCanary(namespace, canaryName);
      expect(got?.status?.phase, `${name} runs now: remove its row`).not.toBe('Initialized');
      expect(await warnings(namespace, canaryName)).toMatch(listedWhy(name)!.says);
    },
  );

  it('docs/flagger-differences.md lists no Canary that is not in the corpus', () => {
    const stale = cannotRun.filter((row) => !accepted.some((c) => row.manifest.test(c.name)));
    expect(stale.map((row) => String(row.manifest))).toEqual([]);
  });
});

describe('a new revision of the Canaries whose analysis needs no data', () => {
  it.concurrent.for(RELEASED)('%s: promoted, the primary runs the new image', async (name, { expect }) => {
    const { namespace, canary } = running.get(name)!;
    const { name: canaryName } = canary.metadata as { name: string };
    const target = (canary.spec as { targetRef: { name: string } }).targetRef.name;
    const followed = released.get(name);
    if (!followed) throw new Error(`${name} was never Initialized, so never given a new revision`);
    const { phases, seconds: took } = await followed;
    console.log(`${name}: ${phases.join(' → ')}, ${took} s after the new image`);
    if (phases.at(-1) !== 'Succeeded')
      expect.fail(`${name}: phases ${phases.join(' → ')}; ${await warnings(namespace, canaryName)}`);
    expect(phases, 'the new revision was analysed before promotion').toContain('Progressing');
    const primary = await admin.apps.readNamespacedDeployment({ name: `${target}-primary`, namespace });
    expect(primary.spec?.template.spec?.containers.map((c) => c.image)).toEqual([NEW_IMAGE]);
  });
});

interface OwnedObject {
  kind: string;
  metadata: { name: string; ownerReferences?: { uid: string }[] };
}

/** What the Canary's Warning events say, oldest first, one line each. */
async function warnings(namespace: string, name: string): Promise<string> {
  const events = await admin.core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.kind=Canary,involvedObject.name=${name},type=Warning`,
  });
  return events.items.map((e) => `${e.reason ?? ''}: ${e.message ?? ''}`).join('\n') || '(no warning events)';
}

/** `<target>-primary`, and whether every pod it wants is ready (KWOK runs them). */
async function primaryWorkload(namespace: string, kind: string, name: string) {
  const { apps } = admin;
  if (kind === 'DaemonSet') {
    const ds = await apps.readNamespacedDaemonSet({ name, namespace });
    const want = ds.status?.desiredNumberScheduled ?? 0;
    return { want, ready: want > 0 && ds.status?.numberReady === want };
  }
  const deployment = await apps.readNamespacedDeployment({ name, namespace });
  const want = deployment.spec?.replicas ?? 0;
  return { want, ready: want > 0 && deployment.status?.readyReplicas === want };
}

let othersDone: Promise<unknown> | undefined;

/** Until every Canary not listed as unable to run is Initialized, or the deadline (watched once). */
function untilOthersDone(): Promise<unknown> {
  othersDone ??= Promise.all(
    accepted
      .filter((a) => !listedWhy(a.name))
      .map((c) => {
        const { namespace, canary } = running.get(c.name)!;
        return untilInitialized(namespace, (canary.metadata as { name: string }).name);
      }),
  );
  return othersDone;
}
