/**
 * Vitest global setup: brings up the real control plane of `scripts/dev-cluster.sh` (kube-apiserver,
 * etcd, controller manager, scheduler, KWOK) once per test run, registers Aviary's CRDs and the
 * third-party CRDs of `test/fixtures/crds`, and hands the admin kubeconfig and the tools' directory to
 * the test workers. A cluster this run started is stopped at the end; one that was already up is left up.
 *
 * `AVIARY_TEST_CLUSTER=off` skips it for a focused run of tests that do not need Kubernetes; in CI the
 * cluster is never optional.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT, installControllerRbac, registerCrds } from './install.js';

const run = promisify(execFile);

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    clusterBin: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.AVIARY_TEST_CLUSTER === 'off' && process.env.CI !== 'true') return undefined;
  const script = `${REPO_ROOT}scripts/dev-cluster.sh`;
  const { stdout, stderr } = await run('bash', [script, 'up'], {
    timeout: 80 * 60_000,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((err: { stderr?: string; message: string }) => {
    throw new Error(`scripts/dev-cluster.sh up failed: ${err.stderr?.slice(-4000) ?? err.message}`);
  });
  const wasUp = stderr.includes('already up');
  const kubeconfig = /export KUBECONFIG=(\S+)/.exec(stdout)?.[1];
  const bin = /export PATH=([^:\s]+):/.exec(stdout)?.[1];
  if (!kubeconfig || !bin) throw new Error(`scripts/dev-cluster.sh up printed no exports:\n${stdout}`);
  await registerCrds(kubeconfig, bin);
  await installControllerRbac(kubeconfig, bin);
  project.provide('kubeconfig', kubeconfig);
  project.provide('clusterBin', bin);

  return async () => {
    if (wasUp || process.env.AVIARY_KEEP_CLUSTER === '1') return;
    await run('bash', [script, 'down'], { timeout: 120_000 }).catch(() => undefined);
  };
}
