/**
 * An intent does not wait for the analysis interval: the controller runs the canary as soon as the
 * annotation changes. With a one-minute interval, a pause sent just after the release started acts
 * within seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClients } from '../../src/kube/client.js';
import { testCluster } from '../cluster/index.js';
import type { ControllerProcess } from '../e2e/support/controller-process.js';
import { NAME, initialized, newRevision, readCanary, startRelease } from './release.js';
import { runCli, waitFor } from './run-cli.js';

const cluster = testCluster();
let namespace = '';
let controller: ControllerProcess;
let admin: KubeClients;
const canary = () => readCanary(admin, namespace);

beforeAll(async () => {
  admin = cluster.adminClients();
  namespace = await cluster.newNamespace('cli-prompt');
  controller = await startRelease(cluster, namespace, { interval: '1m' });
  await initialized(controller, canary);
}, 90_000);

afterAll(async () => {
  await controller?.kill();
  await cluster.deleteNamespace(namespace);
});

describe('intents on a slow interval', () => {
  it('a pause acts within seconds, not at the next one-minute interval', async () => {
    await newRevision(cluster, namespace, '2');
    const started = await waitFor('progressing', canary, (c) => c.status?.phase === 'Progressing', 30_000);
    const result = await runCli(['pause', NAME, '-n', namespace, '--kubeconfig', cluster.kubeconfig]);
    expect(result.code).toBe(0);
    const id = /intent ([0-9a-f-]{36})/.exec(result.stdout)?.[1];
    const paused = await waitFor(
      'pause acknowledged',
      canary,
      (c) => c.status?.lastIntent?.id === id,
      20_000,
    );
    expect(paused.status?.lastIntent?.outcome).toBe('applied');
    // Acted on well before the interval that started with the rollout came round.
    const actedAfterMs =
      Date.parse(paused.status!.lastIntent!.at) - Date.parse(started.status!.lastTransitionTime!);
    expect(actedAfterMs).toBeLessThan(45_000);
  }, 90_000);
});
