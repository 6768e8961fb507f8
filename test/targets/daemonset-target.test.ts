/**
 * The DaemonSet target (src/targets/kubernetes/daemonset-target.ts) on the real control plane, through
 * the per-kind workload target the controller uses, as the controller's ServiceAccount with only
 * deploy/rbac's grants. The real DaemonSet controller places the pods on KWOK's three nodes; "scaled to
 * zero" must really leave the target with no pods, and a revision must survive that.
 */
import type { V1DaemonSet } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import type { Canary } from '../../src/api/types.js';
import type { Readiness } from '../../src/engine/ports.js';
import { plain } from '../../src/kube/client.js';
import { retryOnConflict } from '../../src/kube/failure.js';
import { SCALE_TO_ZERO_NODE_SELECTOR } from '../../src/targets/kubernetes/daemonset-target.js';
import { canaryFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import { kubernetesWorkloadTarget } from '../../src/targets/kubernetes/workload-target.js';
import { targetTest } from './target-test.js';

vi.setConfig({ testTimeout: 300_000 });

const NODES = 3; // scripts/dev-cluster.sh's KWOK nodes
/** KWOK's never-ready stage (docs/dev-cluster.md): the pod runs but never becomes Ready. */
const NEVER_READY_LABEL = 'aviary.dev/test-never-ready';
const env = targetTest((controller) => kubernetesWorkloadTarget(controller, { rolloutId: () => 'rollout' }));
const { cluster } = env;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function daemonSet(ns: string, image: string, podLabels: Record<string, string> = {}): V1DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'node-agent', namespace: ns, labels: { app: 'node-agent', team: 'infra' } },
    spec: {
      selector: { matchLabels: { app: 'node-agent' } },
      revisionHistoryLimit: 3,
      template: {
        metadata: { labels: { app: 'node-agent', ...podLabels } },
        spec: { containers: [{ name: 'agent', image }] },
      },
    },
  };
}

/** A namespace with the DaemonSet and a real Canary (the owner of the primary) targeting it. */
async function world(podLabels: Record<string, string> = {}, spec: Partial<Canary['spec']> = {}) {
  const ns = await env.newNamespace('ds-target');
  await env.admin.apps.createNamespacedDaemonSet({
    namespace: ns,
    body: daemonSet(ns, 'agent:1.0', podLabels),
  });
  const canary = await env.createCanary(
    canaryFor(ns, 'node-agent', {
      targetRef: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'node-agent' },
      ...spec,
    }),
  );
  return { ns, canary };
}

const read = async (ns: string, name: string) =>
  plain<V1DaemonSet>(await env.admin.apps.readNamespacedDaemonSet({ name, namespace: ns }));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 240_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const shown = await cluster.kubectl(['get', 'daemonsets,pods', '-A', '-o', 'wide']);
      throw new Error(`timed out waiting for ${what}; the cluster shows:\n${shown.stdout}`);
    }
    await sleep(250);
  }
}

const readyOf = (check: () => Promise<Readiness>) => async () => {
  const result = await check();
  if (!result.ready && !result.retriable) throw new Error(`not retriable: ${result.reason}`);
  return result.ready ? result : undefined;
};

/** Pods of the DaemonSet `name` (by its selector value), as the API server lists them. */
async function podsOf(ns: string, selectorValue: string) {
  const pods = await env.admin.core.listNamespacedPod({
    namespace: ns,
    labelSelector: `app=${selectorValue}`,
  });
  return pods.items.filter((p) => !p.metadata?.deletionTimestamp);
}

describe('DaemonSet target', () => {
  it('runs a release: primary on every node, target scaled to zero, new revision, promotion, finalize', async () => {
    const { ns, canary } = await world();
    const first = await env.target.revision(canary);

    // Initialization: the primary runs on every node, then the target's pods go.
    await until(
      'the primary to be ready',
      readyOf(() => env.target.initialize(canary)),
    );
    const primary = await read(ns, 'node-agent-primary');
    expect(primary.spec?.selector.matchLabels).toEqual({ app: 'node-agent-primary' });
    expect(primary.metadata?.labels).toMatchObject({ team: 'infra', app: 'node-agent-primary' });
    expect(primary.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Canary', name: 'node-agent' });
    expect(primary.spec?.revisionHistoryLimit).toBe(3);
    expect((await podsOf(ns, 'node-agent-primary')).length).toBe(NODES);

    const scaledDown = await read(ns, 'node-agent');
    expect(scaledDown.spec?.template.spec?.nodeSelector).toEqual({ [SCALE_TO_ZERO_NODE_SELECTOR]: 'true' });
    await until('the target to have no pods', async () =>
      (await podsOf(ns, 'node-agent')).length === 0 ? true : undefined,
    );
    expect(await env.target.revision(canary), 'scaling to zero is not a new revision').toEqual(first);

    // A new revision: the image changes.
    await retryOnConflict(async () => {
      const current = await read(ns, 'node-agent');
      current.spec!.template.spec!.containers[0]!.image = 'agent:2.0';
      await env.admin.apps.replaceNamespacedDaemonSet({ name: 'node-agent', namespace: ns, body: current });
    });
    const second = await env.target.revision(canary);
    expect(second.spec).not.toBe(first.spec);

    // Analysis: the canary runs on every node again.
    await env.target.scaleCanaryUp(canary);
    expect((await read(ns, 'node-agent')).spec?.template.spec?.nodeSelector ?? {}).toEqual({});
    await until(
      'the canary to be ready',
      readyOf(() => env.target.canaryReadiness(canary)),
    );
    expect((await podsOf(ns, 'node-agent')).length).toBe(NODES);
    expect(await env.target.revision(canary), 'scaling up is not a new revision').toEqual(second);

    // Promotion copies the new template to the primary; the scale-to-zero selector never goes there.
    await env.target.promote(canary);
    const promoted = await read(ns, 'node-agent-primary');
    expect(promoted.spec?.template.spec?.containers[0]?.image).toBe('agent:2.0');
    expect(promoted.spec?.template.metadata?.labels?.app).toBe('node-agent-primary');
    await until(
      'the promoted primary to be ready',
      readyOf(() => env.target.primaryReadiness(canary)),
    );
    await env.target.scaleCanaryToZero(canary);
    await until('the target to have no pods again', async () =>
      (await podsOf(ns, 'node-agent')).length === 0 ? true : undefined,
    );
    expect((await read(ns, 'node-agent-primary')).spec?.template.spec?.nodeSelector).toBeUndefined();

    // revertOnDeletion: the target is given back to its nodes.
    await env.target.finalize(canary);
    await until('the target to run on every node again', async () =>
      (await podsOf(ns, 'node-agent')).length === NODES ? true : undefined,
    );
  });

  it('reports a canary whose pods never become ready as past its deadline, not as waiting forever', async () => {
    const { ns, canary } = await world({}, { progressDeadlineSeconds: 5 });
    await until(
      'the primary to be ready',
      readyOf(() => env.target.initialize(canary)),
    );
    await retryOnConflict(async () => {
      const current = await read(ns, 'node-agent');
      current.spec!.template.metadata!.labels![NEVER_READY_LABEL] = 'true';
      await env.admin.apps.replaceNamespacedDaemonSet({ name: 'node-agent', namespace: ns, body: current });
    });
    await env.target.scaleCanaryUp(canary);
    // The Canary entered its phase just now: the pods are still being waited for.
    const fresh = {
      ...canary,
      status: { phase: 'Progressing', lastTransitionTime: new Date().toISOString() },
    };
    const waiting = await env.target.canaryReadiness(fresh as Canary);
    expect(waiting).toMatchObject({ ready: false, retriable: true });
    // Ten seconds later (deadline 5 s) waiting will not help.
    const late = {
      ...fresh,
      status: { ...fresh.status, lastTransitionTime: new Date(Date.now() - 10_000).toISOString() },
    };
    const stuck = await until('the DaemonSet controller to count the never-ready pods', async () => {
      const result = await env.target.canaryReadiness(late as Canary);
      return !result.ready && !result.retriable ? result : undefined;
    });
    expect(stuck).toMatchObject({ deadlineExceeded: true });
    expect(!stuck.ready && stuck.reason).toMatch(
      /daemonset node-agent exceeded its progressDeadlineSeconds \(5s\)/,
    );
  });
});
