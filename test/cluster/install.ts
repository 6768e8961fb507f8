/**
 * What every test run installs on the control plane: Aviary's CRDs (deploy/crds), the meshes' CRDs
 * (test/fixtures/crds), and the controller's namespace, ServiceAccount and RBAC exactly as deploy/
 * renders them, so a test can run a component as `aviary-system/aviary` with only those grants.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const AVIARY_CRDS = path.join(REPO_ROOT, 'deploy/crds');
export const FIXTURE_CRDS = path.join(REPO_ROOT, 'test/fixtures/crds');

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name) && entry.name !== 'kustomization.yaml')
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Server-side apply of every CRD file, then wait until the API server serves them all. */
export async function registerCrds(kubeconfig: string, bin: string): Promise<void> {
  const kubectl = path.join(bin, 'kubectl');
  // One folder per project under test/fixtures/crds; loose files there are the old hand-written copies.
  const fixtures = yamlFilesUnder(FIXTURE_CRDS).filter((file) => path.dirname(file) !== FIXTURE_CRDS);
  const files = [...yamlFilesUnder(AVIARY_CRDS), ...fixtures];
  const args = files.flatMap((file) => ['-f', file]);
  await run(kubectl, ['--kubeconfig', kubeconfig, 'apply', '--server-side', '--force-conflicts', ...args], {
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((err: { stderr?: string; message: string }) => {
    throw new Error(`registering the CRDs failed: ${err.stderr ?? err.message}`);
  });
  await run(
    kubectl,
    [
      '--kubeconfig',
      kubeconfig,
      'wait',
      '--for',
      'condition=Established',
      '--timeout',
      '60s',
      'crd',
      '--all',
    ],
    { timeout: 90_000 },
  );
}

/** `deploy/controller/namespace.yaml` and `kubectl apply -k deploy/rbac`: the controller's identity. */
export async function installControllerRbac(kubeconfig: string, bin: string): Promise<void> {
  const kubectl = path.join(bin, 'kubectl');
  for (const source of [
    ['-f', path.join(REPO_ROOT, 'deploy/controller/namespace.yaml')],
    ['-k', path.join(REPO_ROOT, 'deploy/rbac')],
  ]) {
    await run(
      kubectl,
      ['--kubeconfig', kubeconfig, 'apply', '--server-side', '--force-conflicts', ...source],
      {
        timeout: 60_000,
      },
    ).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`installing the controller's RBAC failed: ${err.stderr ?? err.message}`);
    });
  }
}
