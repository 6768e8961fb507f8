/**
 * The user roles of examples/kubernetes/release-operator-rbac.yaml: a viewer reads releases but cannot
 * steer them, and the refusal says which role to bind (not the controller's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTENT_ANNOTATION } from '../../src/api/intent.js';
import { GROUP, VERSION } from '../../src/kube/client.js';
import { testCluster } from '../cluster/index.js';
import { NAME, readCanary, releaseObjects, userWithRole } from './release.js';
import { runCli } from './run-cli.js';

const cluster = testCluster();
let namespace = '';
let viewer = '';

beforeAll(async () => {
  namespace = await cluster.newNamespace('cli-rbac');
  const canary = releaseObjects(namespace).find((o) => o.kind === 'Canary')!;
  await cluster.adminClients().custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'canaries',
    namespace,
    body: canary,
  });
  viewer = await userWithRole(cluster, namespace, 'viewer', 'aviary-release-viewer');
}, 60_000);

afterAll(() => cluster.deleteNamespace(namespace));

describe('user roles', () => {
  it('a viewer sees the canary but its pause is refused, naming the role that allows it', async () => {
    const table = await runCli(['get', 'canaries', '-n', namespace, '--kubeconfig', viewer]);
    expect(table.stderr).toBe('');
    expect(table.stdout).toMatch(new RegExp(`\\n${NAME}\\s+Unknown\\s+0\\s+0/2\\s`));
    const status = await runCli(['status', NAME, '-n', namespace, '--kubeconfig', viewer]);
    expect(status.code).toBe(0);

    const pause = await runCli(['pause', NAME, '-n', namespace, '--kubeconfig', viewer]);
    expect(pause.code).toBe(1);
    expect(pause.stderr).toContain(`leaving a pause intent on canary ${namespace}/${NAME}: 403 Forbidden`);
    expect(pause.stderr).toContain('bind your user to aviary-release-operator');
    const after = await readCanary(cluster.adminClients(), namespace);
    expect(after.metadata.annotations?.[INTENT_ANNOTATION]).toBeUndefined();
  }, 60_000);
});
