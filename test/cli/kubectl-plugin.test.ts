/**
 * `kubectl aviary <verb>`: real kubectl (of the dev cluster's version) discovers the kubectl-aviary
 * executable that package.json "bin" installs, lists it in `kubectl plugin list`, and runs the verbs
 * through it against the real control plane.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTENT_ANNOTATION } from '../../src/api/intent.js';
import { GROUP, VERSION } from '../../src/kube/client.js';
import { testCluster } from '../cluster/index.js';
import { NAME, readCanary, releaseObjects } from './release.js';
import { REPO, runCli } from './run-cli.js';

const cluster = testCluster();
let namespace = '';
let binDir = '';
let env: NodeJS.ProcessEnv = {};

const kubectl = (args: string[]) =>
  runCli(args, { command: path.join(cluster.bin, 'kubectl'), env, timeoutMs: 60_000 });

beforeAll(async () => {
  namespace = await cluster.newNamespace('kubectl-aviary');
  // As `npm install` does with package.json "bin": a link named after the key, on PATH.
  const bin = (JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as { bin: Record<string, string> })
    .bin;
  expect(bin['kubectl-aviary']).toBe('bin/kubectl-aviary.js');
  binDir = mkdtempSync(path.join(os.tmpdir(), 'aviary-npm-bin-'));
  symlinkSync(path.join(REPO, bin['kubectl-aviary']!), path.join(binDir, 'kubectl-aviary'));
  env = {
    PATH: [binDir, cluster.bin, path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
    KUBECONFIG: cluster.kubeconfig,
  };
  // The Canary alone (no controller): its status written as the controller would.
  const canary = releaseObjects(namespace).find((o) => o.kind === 'Canary')!;
  const admin = cluster.adminClients();
  await admin.custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'canaries',
    namespace,
    body: canary,
  });
  const created = await readCanary(admin, namespace);
  await admin.custom.replaceNamespacedCustomObjectStatus({
    group: GROUP,
    version: VERSION,
    plural: 'canaries',
    namespace,
    name: NAME,
    body: {
      ...created,
      status: {
        phase: 'Progressing',
        canaryWeight: 16,
        failedChecks: 1,
        lastTransitionTime: new Date().toISOString(),
      },
    },
  });
}, 60_000);

afterAll(async () => {
  rmSync(binDir, { recursive: true, force: true });
  await cluster.deleteNamespace(namespace);
});

describe('kubectl aviary', () => {
  it('is found by kubectl plugin list', async () => {
    const list = await kubectl(['plugin', 'list']);
    expect(list.stderr).not.toMatch(/warning/i);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(path.join(binDir, 'kubectl-aviary'));
  });

  it('runs the verbs: get canaries, status, pause', async () => {
    const table = await kubectl(['aviary', 'get', 'canaries', '-n', namespace]);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(
        `^NAME\\s+PHASE\\s+WEIGHT\\s+FAILED CHECKS\\s+LAST TRANSITION\\n${NAME}\\s+Progressing\\s+16\\s+1/2\\s+\\d+s\\n$`,
      ),
    );

    const status = await kubectl(['aviary', 'status', NAME, '-n', namespace]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/Steps:\s+8 of 30 weight steps done, 22 left/);

    const pause = await kubectl(['aviary', 'pause', NAME, '-n', namespace]);
    expect(pause.code).toBe(0);
    expect(pause.stdout).toContain('pause requested for');
    const annotated = await readCanary(cluster.adminClients(), namespace);
    expect(JSON.parse(annotated.metadata.annotations?.[INTENT_ANNOTATION] ?? '{}')).toMatchObject({
      kind: 'pause',
    });

    const help = await kubectl(['aviary', '--help']);
    expect(help.stdout).toMatch(/^Usage: kubectl aviary /);
  }, 90_000);
});
