/**
 * What a user sees of an idle controller on the real control plane: `aviary controller` as a process
 * (the ServiceAccount aviary-system/aviary, deploy/rbac's grants) drives a handful of Istio Canaries
 * and Gateway API ones over KWOK Deployments, analysing every second. Once they are Initialized:
 * - their ticks ask the API server nothing and write nothing (the API server's audit log): the reads
 *   come from the controller's watches (Istio's VirtualServices and DestinationRules, the HTTPRoutes,
 *   the Services, the Deployments), and an unchanged status is not written, so `kubectl get canary -w`
 *   stays quiet (the Canaries' resourceVersions do not move);
 * - a restarted controller's first reconciles read from its watches too: they wait for the first lists,
 *   and the mesh preflights of its canaries share what they read alike;
 * - a new revision of one canary, whose interval is an hour, is acted on when its Deployment changes:
 *   the controller reads the new template from its cache at once, it does not wait for the interval.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRecords } from '../cluster/audit.js';
import { CONTROLLER_USER, testCluster } from '../cluster/index.js';
import { spawnController, type ControllerProcess } from '../e2e/support/controller-process.js';
import type { KubeObject } from '../cluster/objects.js';
import { oneReplicaDeployment, plainIstioCanary } from '../e2e/support/manifests.js';

const cluster = testCluster();
const ISTIO = 4;
const GATEWAY_API = 2;
const CANARIES = ISTIO + GATEWAY_API;
const names = [
  ...Array.from({ length: ISTIO }, (_, i) => `app-${i}`),
  ...Array.from({ length: GATEWAY_API }, (_, i) => `gw-${i}`),
];

/** The same Canary routed by an HTTPRoute attached to a Gateway (none runs here: nothing reports on it). */
function gatewayApiCanary(name: string, namespace: string, interval: string): KubeObject {
  const canary = plainIstioCanary(name, namespace, interval) as KubeObject & {
    spec: { provider: string; service: Record<string, unknown> };
  };
  canary.spec.provider = 'gatewayapi:v1';
  canary.spec.service.gatewayRefs = [{ name: 'public', namespace: 'gateway-system' }];
  return canary;
}
const canaryOf = (name: string, namespace: string, interval: string) =>
  name.startsWith('gw-')
    ? gatewayApiCanary(name, namespace, interval)
    : plainIstioCanary(name, namespace, interval);
let namespace: string;
let controller: ControllerProcess;
let metricsUrl: string;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function kubectl(...args: string[]): Promise<string> {
  const result = await cluster.kubectl([...args, '-n', namespace]);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

interface CanaryView {
  metadata: { name: string; resourceVersion: string; generation: number };
  status?: { phase?: string; observedGeneration?: number };
}

async function canaries(): Promise<CanaryView[]> {
  return (JSON.parse(await kubectl('get', 'canaries', '-o', 'json')) as { items: CanaryView[] }).items;
}

/** Polls `check` every 500 ms until it returns a value; fails after `ms` with `what` and the log. */
async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms\n${controller.tail()}`);
    await sleep(500);
  }
}

/** Reconciles the controller has finished, per canary, from its own metrics. */
async function ticks(): Promise<Map<string, number>> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^aviary_canary_duration_seconds_count\{.*name="([^"]+)".*\} (\S+)$/.exec(line);
    if (m) counts.set(m[1] as string, Number(m[2]));
  }
  return counts;
}

async function startController(): Promise<void> {
  controller = spawnController({
    kubeconfig: await cluster.controllerKubeconfig(),
    namespace,
    // No metric in these analyses: nothing is ever queried.
    metricsServer: 'http://127.0.0.1:9',
  });
  const started = await controller.waitForLog((line) => line.msg === 'controller started', 60_000);
  metricsUrl = `http://${String(started.metrics)}`;
}

beforeAll(async () => {
  namespace = await cluster.newNamespace('idle-canaries');
  await startController();
  await cluster.kubectl(['apply', '-f', '-'], {
    stdin: JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        ...names.map((n) => oneReplicaDeployment(n, namespace)),
        ...names.map((n) => canaryOf(n, namespace, '1s')),
      ],
    }),
  });
  await until('Canary Initialized, all of them', async () =>
    (await canaries()).filter((c) => c.status?.phase === 'Initialized').length === CANARIES
      ? true
      : undefined,
  );
}, 240_000);

afterAll(async () => {
  await controller?.kill('SIGTERM');
  if (namespace) await cluster.deleteNamespace(namespace);
}, 60_000);

describe('an idle controller', () => {
  it('asks the API server nothing and writes nothing for Canaries that do not change', async () => {
    const before = await canaries();
    const since = new Date();
    const ticksBefore = await ticks();
    // Every canary ticks once a second: wait for at least three ticks of each.
    await until('three ticks of every canary', async () => {
      const now = await ticks();
      return names.every((n) => (now.get(n) ?? 0) >= (ticksBefore.get(n) ?? 0) + 3) ? true : undefined;
    });
    const after = await canaries();

    const calls = auditRecords(cluster.kubeconfig, CONTROLLER_USER, since)
      .filter((r) => r.namespace === namespace && r.verb !== 'watch' && r.verb !== 'list')
      .map((r) => `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''} ${r.name ?? ''}`);
    expect(calls).toEqual([]);
    const versions = (list: CanaryView[]) =>
      Object.fromEntries(list.map((c) => [c.metadata.name, c.metadata.resourceVersion]));
    expect(versions(after)).toEqual(versions(before));
  }, 120_000);

  it('reads from its watches from the start once restarted: no GET per canary, one shared preflight list', async () => {
    await controller.kill('SIGTERM');
    const since = new Date();
    await startController();
    await until('a reconcile of every canary by the restarted controller', async () => {
      const now = await ticks();
      return names.every((n) => (now.get(n) ?? 0) >= 1) ? true : undefined;
    });
    const requests = auditRecords(cluster.kubeconfig, CONTROLLER_USER, since).filter(
      (r) => r.namespace === namespace,
    );
    // Its first reconciles ran while its watches made their first lists: they waited for them.
    const gets = requests
      .filter((r) => r.verb === 'get')
      .map((r) => `${r.resource}${r.subresource ? `/${r.subresource}` : ''} ${r.name ?? ''}`);
    expect(gets).toEqual([]);
    // The Istio canaries' mesh preflights (one each, on a new process) shared the namespace's
    // PeerAuthentications: one list, not one per canary.
    const peerAuthenticationLists = requests.filter(
      (r) => r.verb === 'list' && r.resource === 'peerauthentications',
    );
    expect(peerAuthenticationLists).toHaveLength(1);
  }, 120_000);

  it('acts on a new revision when its Deployment changes, not at the next interval', async () => {
    const [subject, ...others] = names as [string, ...string[]];
    await kubectl(
      'patch',
      'canary',
      subject,
      '--type=merge',
      '-p',
      '{"spec":{"analysis":{"interval":"1h"}}}',
    );
    // The spec change is seen (its generation in the status) before the revision ships.
    await until('the hour-long interval observed', async () => {
      const c = (await canaries()).find((x) => x.metadata.name === subject);
      return c && c.status?.observedGeneration === c.metadata.generation ? true : undefined;
    });
    await kubectl('set', 'image', `deployment/${subject}`, 'app=podinfo:2');

    // Bounded well under the hour: only the Deployment's watch event can have started it.
    const phase = await until('the new revision acted on', async () => {
      const c = (await canaries()).find((x) => x.metadata.name === subject);
      return c?.status?.phase === 'Initialized' ? undefined : c?.status?.phase;
    });
    expect(phase).toBe('Progressing');
    const idle = (await canaries()).filter((c) => others.includes(c.metadata.name));
    expect(idle.map((c) => c.status?.phase)).toEqual(others.map(() => 'Initialized'));
  }, 180_000);
});
