/**
 * The README's install lines (Helm first, kustomize second, three lines each): the commands render, and
 * the Deployment the third line waits for is the one they create. Rendered, not installed as written:
 * the release `aviary` in `aviary-system` would collide with deploy/rbac's objects that every test run
 * installs on the shared dev cluster (test/charts/install.test.ts installs the chart under another name).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testCluster } from '../cluster/index.js';
import { REPO_ROOT, helm, parseManifests, readText, type K8sObject } from './helm.js';

/** The sh blocks of the README's "Kubernetes quick start", as lines. */
function quickStartBlocks(): string[][] {
  const readme = readText('README.md');
  const section = readme.slice(readme.indexOf('## Kubernetes quick start'));
  const body = section.slice(0, section.indexOf('\n## ', 3));
  return [...body.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
    (m[1] ?? '')
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter(Boolean),
  );
}

/** `kubectl -n NS rollout status deployment/NAME` -> { namespace, name }. */
function rolloutTarget(line: string | undefined): { namespace: string; name: string } {
  const match = /^kubectl -n (\S+) rollout status deployment\/(\S+)$/.exec(line ?? '');
  if (!match) throw new Error(`not "kubectl -n NS rollout status deployment/NAME": ${line}`);
  return { namespace: match[1] as string, name: match[2] as string };
}

function deployments(objects: K8sObject[]): { namespace?: string; name: string }[] {
  return objects
    .filter((o) => o.kind === 'Deployment')
    .map((o) => ({ namespace: o.metadata.namespace, name: o.metadata.name }));
}

describe('README: install in three lines', () => {
  const [helmBlock, kustomizeBlock] = quickStartBlocks();

  it('Helm first: clone, helm install of ./charts/aviary, wait for the Deployment it creates', async () => {
    expect(helmBlock).toHaveLength(3);
    expect(helmBlock?.[0]).toMatch(/^git clone \S+ && cd aviary$/);
    const install = helmBlock?.[1]?.split(/\s+/) ?? [];
    expect(install.slice(0, 4)).toEqual(['helm', 'install', 'aviary', './charts/aviary']);
    // The same arguments to `helm template` (it has no --create-namespace), from the repository root.
    const args = install
      .slice(2)
      .filter((a) => a !== '--create-namespace')
      .map((a) => (a.startsWith('./') ? path.join(REPO_ROOT, a) : a));
    const rendered = parseManifests(await helm(['template', ...args]));
    expect(deployments(rendered)).toEqual([rolloutTarget(helmBlock?.[2])]);
  });

  it('kustomize second: clone, kubectl apply -k deploy/, wait for the Deployment it creates', async () => {
    expect(kustomizeBlock).toHaveLength(3);
    expect(kustomizeBlock?.[0]).toBe(helmBlock?.[0]);
    expect(kustomizeBlock?.[1]).toBe('kubectl apply -k deploy/');
    const result = await testCluster().kubectl(['kustomize', path.join(REPO_ROOT, 'deploy')]);
    expect(result.code).toBe(0);
    expect(deployments(parseManifests(result.stdout))).toEqual([rolloutTarget(kustomizeBlock?.[2])]);
  });

  it('names the OCI chart release.yml pushes', () => {
    const workflow = readText('.github/workflows/release.yml');
    const repo = /CHART_REPO: (\S+)/.exec(workflow)?.[1];
    expect(repo).toBe('oci://ghcr.io/aviary-dev/charts');
    expect(readText('README.md')).toContain(`helm install aviary ${repo}/aviary --version`);
  });
});
