/**
 * The dev cluster as bench/flagger uses it: kubectl and the API as admin, each controller's identity,
 * one controller process per namespace, and reading a Canary's phase.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { makeClients, type KubeClients } from '../../src/kube/client.js';
import { REPO_ROOT } from '../../test/cluster/install.js';
import { spawnController } from '../../test/e2e/support/controller-process.js';
import { startFlagger } from '../../test/flagger/flagger-process.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const FLAGGER_SA = 'flagger-bench';

export type Controller = 'flagger' | 'aviary';

export interface Cluster {
  kubeconfig: string;
  bin: string;
  admin: KubeClients;
  kubectl(args: string[], stdin?: string): string;
  /** `kubectl apply` of the objects as one List. */
  apply(items: unknown[]): string;
}

export function clusterUp(): Cluster {
  const out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts/dev-cluster.sh'), 'up'], {
    encoding: 'utf8',
  });
  const kubeconfig = /export KUBECONFIG=(\S+)/.exec(out)?.[1];
  const bin = /export PATH=([^:\s]+):/.exec(out)?.[1];
  if (!kubeconfig || !bin) throw new Error(`dev-cluster.sh up printed no exports: ${out}`);
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const kubectl = (args: string[], stdin?: string) =>
    execFileSync(path.join(bin, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], {
      encoding: 'utf8',
      input: stdin,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
  return {
    kubeconfig,
    bin,
    admin: makeClients(config),
    kubectl,
    apply: (items) =>
      kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items })),
  };
}

/** Flagger's own identity (cluster-admin, as its Helm chart grants), so the audit log tells it apart. */
export function flaggerKubeconfig(cluster: Cluster): string {
  cluster.apply([
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: FLAGGER_SA, namespace: 'aviary-system' },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: FLAGGER_SA },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: FLAGGER_SA, namespace: 'aviary-system' }],
    },
  ]);
  return serviceAccountKubeconfig(FLAGGER_SA);
}

export function serviceAccountKubeconfig(name: string): string {
  const file = path.join(os.tmpdir(), `bench-flagger-${name}-${process.pid}.kubeconfig`);
  execFileSync(
    'bash',
    [path.join(REPO_ROOT, 'scripts/dev-cluster.sh'), 'kubeconfig-for', 'aviary-system', name, file],
    {
      stdio: 'ignore',
    },
  );
  return file;
}

export interface Running {
  pid: number;
  stop(): Promise<void>;
}

export async function startController(
  controller: Controller,
  kubeconfigs: Record<Controller, string>,
  namespace: string,
  metricsServer: string,
): Promise<Running> {
  if (controller === 'flagger') {
    const f = await startFlagger({ kubeconfig: kubeconfigs.flagger, namespace, metricsServer });
    return { pid: f.pid, stop: () => f.stop() };
  }
  // Aviary's default interval floor is Flagger's (10 s): no --min-interval here.
  const a = spawnController({
    kubeconfig: kubeconfigs.aviary,
    namespace,
    metricsServer,
    extraArgs: ['--min-interval', '10s'],
  });
  return { pid: a.pid, stop: () => a.kill('SIGTERM') };
}

export interface CanaryView {
  status?: { phase?: string; failureReason?: string };
}

export async function canaryOf(
  cluster: Cluster,
  controller: Controller,
  namespace: string,
  name: string,
): Promise<CanaryView | undefined> {
  return (await cluster.admin.custom
    .getNamespacedCustomObject({
      group: controller === 'flagger' ? 'flagger.app' : 'aviary.dev',
      version: 'v1beta1',
      namespace,
      plural: 'canaries',
      name,
    })
    .catch(() => undefined)) as CanaryView | undefined;
}

export async function phaseOf(cluster: Cluster, controller: Controller, namespace: string, name: string) {
  return (await canaryOf(cluster, controller, namespace, name))?.status?.phase;
}

/**
 * Polls `probe` every `everyMs` until it holds or `deadline` passes. A probe that throws counts as "not
 * yet": a loaded API server drops an occasional request (a 1,000-canary list failed once with "fetch
 * failed"), and the deadline bounds the retries; the last error is in the timeout's message.
 */
export async function until(
  what: string,
  deadline: number,
  probe: () => Promise<boolean>,
  everyMs = 500,
): Promise<void> {
  let lastError: unknown;
  for (;;) {
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${lastError === undefined ? '' : ` (last error: ${describe(lastError)})`}`,
      );
    await sleep(everyMs);
  }
}

/** An error with its cause: undici's "fetch failed" says what failed only in `cause`. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause === undefined ? err.message : `${err.message}: ${describe(err.cause)}`;
}
