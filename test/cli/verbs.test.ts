/**
 * The release verbs against the real control plane and a real controller: pause holds the weight over
 * two intervals, resume continues, promote skips the rest of the analysis, abort rolls back, retry
 * analyses the Failed revision again, watch exits 0 / 1 / 124, and every request is an Event naming
 * the ServiceAccount of the kubeconfig that asked. The asking ServiceAccount holds only the
 * aviary-release-operator ClusterRole of examples/kubernetes/release-operator-rbac.yaml.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Canary } from '../../src/api/types.js';
import type { KubeClients } from '../../src/kube/client.js';
import { testCluster } from '../cluster/index.js';
import type { ControllerProcess } from '../e2e/support/controller-process.js';
import {
  MAX_WEIGHT,
  NAME,
  initialized,
  STEP_WEIGHT,
  STEPS,
  newRevision,
  readCanary,
  startRelease,
  userWithRole,
} from './release.js';
import { runCli, startCli, waitFor } from './run-cli.js';

const cluster = testCluster();
let namespace = '';
let controller: ControllerProcess;
let admin: KubeClients;
let operatorKubeconfig = '';
let operator = '';

const canary = () => readCanary(admin, namespace);
const as = (args: string[]) => [...args, '-n', namespace, '--kubeconfig', operatorKubeconfig];

async function eventsOf(): Promise<{ reason: string; message: string }[]> {
  const list = await admin.core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.kind=Canary,involvedObject.name=${NAME}`,
  });
  return list.items.map((e) => ({ reason: e.reason ?? '', message: e.message ?? '' }));
}

/** Sends the intent with the CLI and waits until the engine has acknowledged it. */
async function request(kind: string, outcome = 'applied'): Promise<Canary> {
  const result = await runCli(as([kind, NAME]));
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const id = /intent ([0-9a-f-]{36})/.exec(result.stdout)?.[1];
  expect(id, result.stdout).toBeDefined();
  const acknowledged = await waitFor(
    `${kind} acknowledged`,
    canary,
    (c) => c.status?.lastIntent?.id === id,
    20_000,
  );
  expect(acknowledged.status?.lastIntent?.outcome).toBe(outcome);
  return acknowledged;
}

beforeAll(async () => {
  admin = cluster.adminClients();
  namespace = await cluster.newNamespace('cli-verbs');
  operatorKubeconfig = await userWithRole(cluster, namespace, 'ci', 'aviary-release-operator');
  operator = `system:serviceaccount:${namespace}:ci`;
  controller = await startRelease(cluster, namespace);
  await initialized(controller, canary);
}, 120_000);

afterAll(async () => {
  await controller?.kill();
  await cluster.deleteNamespace(namespace);
});

describe('aviary verbs on Kubernetes', () => {
  it('pause holds the weight over two intervals, resume continues, promote skips the rest; watch exits 0', async () => {
    await newRevision(cluster, namespace, '2');
    await waitFor('progressing', canary, (c) => (c.status?.canaryWeight ?? 0) >= STEP_WEIGHT, 30_000);

    const paused = await request('pause');
    expect(paused.status?.lastIntent).toMatchObject({ kind: 'pause', user: operator, outcome: 'applied' });
    expect(paused.status?.paused?.user).toBe(operator);
    const held = paused.status?.canaryWeight ?? -1;
    await new Promise((resolve) => setTimeout(resolve, 2500)); // two and a half 1 s intervals
    const later = await canary();
    expect(later.status?.phase).toBe('Progressing');
    expect(later.status?.canaryWeight).toBe(held);
    expect(later.spec).toEqual(paused.spec); // nothing but the annotation changed: the spec is untouched

    const table = await runCli(as(['get', 'canaries']));
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^NAME\\s+PHASE\\s+WEIGHT\\s+FAILED CHECKS\\s+LAST TRANSITION`));
    expect(table.stdout).toMatch(new RegExp(`\\n${NAME}\\s+Progressing \\(paused\\)\\s+${held}\\s+0/2\\s`));

    const status = await runCli(as(['status', NAME]));
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`paused by ${operator}`);
    expect(status.stdout).toMatch(
      new RegExp(
        `Steps:\\s+${held / STEP_WEIGHT} of ${STEPS} weight steps done, ${STEPS - held / STEP_WEIGHT} left`,
      ),
    );
    expect(status.stdout).toContain(`pause requested by ${operator}`);

    const timedOut = await runCli(as(['watch', NAME, '--timeout', '2s', '--interval', '500ms']));
    expect(timedOut.code).toBe(124);
    expect(timedOut.stdout).toContain('still Progressing');

    const watch = startCli(as(['watch', NAME, '--timeout', '90s', '--interval', '500ms']), {
      timeoutMs: 100_000,
    });
    await request('resume');
    const resumed = await waitFor('weight grows again', canary, (c) => (c.status?.canaryWeight ?? 0) > held);
    expect(resumed.status?.paused).toBeUndefined();
    // Held again, so the analysis cannot reach its end on its own before promote is read.
    await request('pause');

    const promoted = await request('promote');
    const promotedAt = promoted.status?.canaryWeight ?? 0;
    expect(promotedAt).toBeLessThan(MAX_WEIGHT);
    expect(promoted.status?.lastIntent?.outcome).toBe('applied');
    const done = await watch.done;
    expect(done.stdout).toContain(`${namespace}/${NAME} Succeeded`);
    expect(done.code).toBe(0);
    const events = await eventsOf();
    // The analysis never reached its last step: promote skipped it.
    expect(events.map((e) => e.message)).not.toContain(
      `Advance ${NAME}.${namespace} canary weight ${MAX_WEIGHT}`,
    );
    for (const kind of ['Pause', 'Resume', 'Promote']) {
      expect(events).toContainEqual(
        expect.objectContaining({
          reason: `${kind}Requested`,
          message: expect.stringContaining(`by ${operator}`),
        }),
      );
    }
    expect(events.map((e) => e.message)).toContain(
      `${NAME}.${namespace} promoted by ${operator}: skipping the rest of the analysis`,
    );
  }, 240_000);

  it('abort rolls back (watch exits 1), an acknowledged intent never acts twice, retry analyses the Failed revision again', async () => {
    const before = await canary();
    const promoteId = before.status?.lastIntent?.id;
    await newRevision(cluster, namespace, '3');
    await waitFor('progressing', canary, (c) => (c.status?.canaryWeight ?? 0) >= STEP_WEIGHT, 30_000);
    // The promote annotation is still on the Canary, but it has acted: this release steps on.
    expect((await canary()).status?.lastIntent?.id).toBe(promoteId);

    await request('pause'); // so the release cannot end on its own while the watch starts up
    const watch = startCli(as(['watch', NAME, '--timeout', '60s', '--interval', '500ms']), {
      timeoutMs: 70_000,
    });
    const aborted = await request('abort');
    expect(aborted.status?.phase).toBe('Failed');
    expect(aborted.status?.canaryWeight).toBe(0);
    expect(aborted.status?.failureReason).toBe(`aborted by ${operator}`);
    const done = await watch.done;
    expect(done.code).toBe(1);
    expect(done.stdout).toContain(`Failed: aborted by ${operator}`);

    const failedSpec = aborted.status?.lastAppliedSpec;
    const retried = await request('retry');
    expect(retried.status?.lastIntent?.outcome).toBe('applied');
    await waitFor(
      'the same revision progressing again',
      canary,
      (c) => (c.status?.canaryWeight ?? 0) >= STEP_WEIGHT,
    );
    await request('promote'); // past the gate nobody opens
    const succeeded = await waitFor(
      'retried release succeeds',
      canary,
      (c) => c.status?.phase === 'Succeeded',
      60_000,
    );
    expect(succeeded.status?.lastPromotedSpec).toBe(failedSpec);

    // Nothing is running: a second retry changes nothing and says why.
    const ignored = await request('retry', 'ignored: nothing failed to retry in phase Succeeded');
    expect(ignored.status?.phase).toBe('Succeeded');
  }, 240_000);

  it('-o yaml prints the Canary with its status; -A adds the namespace column; a missing canary is a clear error', async () => {
    const yaml = await runCli(as(['get', 'canaries', NAME, '-o', 'yaml']));
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toMatch(/^apiVersion: aviary.dev\/v1beta1\nkind: Canary\n/);
    expect(yaml.stdout).toContain('phase: Succeeded');
    expect(yaml.stdout).not.toContain('managedFields');

    const json = await runCli(['get', 'canaries', '-A', '-o', 'json', '--kubeconfig', cluster.kubeconfig]);
    const list = JSON.parse(json.stdout) as { kind: string; items: Canary[] };
    expect(list.kind).toBe('List');
    expect(list.items.map((c) => `${c.metadata.namespace}/${c.metadata.name}`)).toContain(
      `${namespace}/${NAME}`,
    );

    const all = await runCli(['get', 'canaries', '-A', '--kubeconfig', cluster.kubeconfig]);
    expect(all.stdout).toMatch(new RegExp(`^NAMESPACE\\s+NAME\\s+PHASE`));
    expect(all.stdout).toMatch(new RegExp(`\\n${namespace}\\s+${NAME}\\s+Succeeded\\s`));

    const missing = await runCli(as(['pause', 'nope']));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`canary ${namespace}/nope`);
    expect(missing.stderr).toContain('404');
  }, 60_000);
});
