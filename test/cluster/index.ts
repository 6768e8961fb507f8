/**
 * What a test sees of the real control plane (test/cluster/global-setup.ts brought it up): the admin
 * kubeconfig, kubectl of the server's own version, fresh namespaces, and kubeconfigs for
 * ServiceAccounts so that a component runs with exactly the RBAC it was granted.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { makeClients, type KubeClients } from '../../src/kube/client.js';

const run = promisify(execFile);

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestCluster {
  /** Admin (system:masters) kubeconfig file. */
  kubeconfig: string;
  /** Directory of kubectl, helm, istioctl, kwok built for this control plane. */
  bin: string;
  kubeConfig(file?: string): KubeConfig;
  adminClients(): KubeClients;
  /** kubectl of the server's version; admin unless `kubeconfig` is given. Never throws on exit codes. */
  kubectl(
    args: string[],
    opts?: { kubeconfig?: string; stdin?: string; timeoutMs?: number },
  ): Promise<KubectlResult>;
  /** A namespace no other test uses (`<prefix>-<random>`), created now. */
  newNamespace(prefix: string): Promise<string>;
  deleteNamespace(name: string): Promise<void>;
  /** A kubeconfig file authenticating as the ServiceAccount (a TokenRequest token, 1 h). */
  serviceAccountKubeconfig(namespace: string, name: string): Promise<string>;
  /** The controller's identity, `aviary-system/aviary`, holding only deploy/rbac's grants. */
  controllerKubeconfig(): Promise<string>;
}

export const CONTROLLER_NAMESPACE = 'aviary-system';
export const CONTROLLER_SERVICE_ACCOUNT = 'aviary';
export const CONTROLLER_USER = `system:serviceaccount:${CONTROLLER_NAMESPACE}:${CONTROLLER_SERVICE_ACCOUNT}`;

let cached: TestCluster | undefined;
let controllerConfig: Promise<string> | undefined;

export function testCluster(): TestCluster {
  if (cached) return cached;
  const kubeconfig = inject('kubeconfig');
  const bin = inject('clusterBin');
  if (!kubeconfig || !bin) {
    throw new Error(
      'no test cluster: this test needs the control plane of scripts/dev-cluster.sh (unset AVIARY_TEST_CLUSTER=off)',
    );
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'aviary-cluster-'));
  const kubectlPath = path.join(bin, 'kubectl');

  const kubectl: TestCluster['kubectl'] = (args, opts = {}) =>
    new Promise((resolve) => {
      const child = execFile(
        kubectlPath,
        ['--kubeconfig', opts.kubeconfig ?? kubeconfig, ...args],
        { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 32 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
          resolve({ code, stdout, stderr: stderr || (err && code === -1 ? err.message : '') });
        },
      );
      child.stdin?.end(opts.stdin ?? '');
    });

  const kubeConfig = (file = kubeconfig): KubeConfig => {
    const config = new KubeConfig();
    config.loadFromFile(file);
    return config;
  };

  cached = {
    kubeconfig,
    bin,
    kubeConfig,
    adminClients: () => makeClients(kubeConfig()),
    kubectl,
    async newNamespace(prefix) {
      const name = `${prefix
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '')
        .slice(0, 40)}-${Math.random().toString(36).slice(2, 8)}`;
      await makeClients(kubeConfig()).core.createNamespace({
        body: { metadata: { name, labels: { 'aviary.dev/test': 'true' } } },
      });
      return name;
    },
    async deleteNamespace(name) {
      await makeClients(kubeConfig())
        .core.deleteNamespace({ name })
        .catch(() => undefined);
    },
    async serviceAccountKubeconfig(namespace, name) {
      const { stdout: token } = await run(kubectlPath, [
        '--kubeconfig',
        kubeconfig,
        'create',
        'token',
        name,
        '-n',
        namespace,
        '--duration',
        '1h',
      ]);
      const admin = kubeConfig();
      const cluster = admin.getCurrentCluster();
      if (!cluster) throw new Error(`${kubeconfig} has no current cluster`);
      const file = path.join(tmp, `${namespace}.${name}.kubeconfig`);
      const config = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'dev', cluster: { server: cluster.server, 'certificate-authority-data': caData(cluster) } },
        ],
        users: [{ name: `${namespace}:${name}`, user: { token: token.trim() } }],
        contexts: [{ name: 'sa', context: { cluster: 'dev', user: `${namespace}:${name}`, namespace } }],
        'current-context': 'sa',
      };
      writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
      return file;
    },
    controllerKubeconfig() {
      controllerConfig ??= this.serviceAccountKubeconfig(CONTROLLER_NAMESPACE, CONTROLLER_SERVICE_ACCOUNT);
      return controllerConfig;
    },
  };
  return cached;
}

function caData(cluster: { caData?: string; caFile?: string }): string | undefined {
  if (cluster.caData) return cluster.caData;
  return cluster.caFile ? readFileSync(cluster.caFile).toString('base64') : undefined;
}
