/**
 * kustomize: deploy/ and deploy/loadtester name the image through `images:` in their kustomization, so
 * a user picks registry and tag in one place (their copy's kustomization, or an overlay) and every
 * container follows. Rendered with the kubectl of the dev cluster, and applied to it.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { testCluster } from '../cluster/index.js';
import { REPO_ROOT, containerOf, parseManifests, readYaml, type Deployment, type K8sObject } from './helm.js';

const IMAGE = 'ghcr.io/aviary-dev/aviary';
const version = readYaml<{ version: string }>('package.json').version;

async function kustomize(dir: string): Promise<K8sObject[]> {
  const result = await testCluster().kubectl(['kustomize', dir]);
  if (result.code !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr}`);
  return parseManifests(result.stdout);
}

function images(objects: K8sObject[]): string[] {
  return objects
    .filter((o): o is Deployment => o.kind === 'Deployment')
    .flatMap((d) => d.spec.template.spec.containers.map((c) => c.image));
}

/** A user's checkout: a copy of deploy/ to edit, and an overlay on it. */
function workspace(): { root: string; deploy: string; overlay: (kustomization: object) => string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'aviary-kustomize-'));
  const deploy = path.join(root, 'deploy');
  cpSync(path.join(REPO_ROOT, 'deploy'), deploy, { recursive: true });
  let overlays = 0;
  return {
    root,
    deploy,
    overlay(kustomization) {
      const dir = path.join(root, `overlay-${++overlays}`);
      mkdirSync(dir);
      writeFileSync(
        path.join(dir, 'kustomization.yaml'),
        stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...kustomization }),
      );
      return dir;
    },
  };
}

describe('deploy/ sets the image in one place', () => {
  it('renders the released image, tagged with the package version, for the controller and the load tester', async () => {
    expect(images(await kustomize(path.join(REPO_ROOT, 'deploy')))).toEqual([`${IMAGE}:${version}`]);
    expect(images(await kustomize(path.join(REPO_ROOT, 'deploy/loadtester')))).toEqual([
      `${IMAGE}:${version}`,
    ]);
  });

  it('takes registry and tag from an overlay, changing nothing else', async () => {
    const ws = workspace();
    const base = await kustomize(ws.deploy);
    const overlay = ws.overlay({
      resources: ['../deploy'],
      images: [{ name: IMAGE, newName: 'registry.example.com/platform/aviary', newTag: '1.2.3' }],
    });
    const rendered = await kustomize(overlay);
    expect(images(rendered)).toEqual(['registry.example.com/platform/aviary:1.2.3']);
    const withoutImages = (objects: K8sObject[]) =>
      JSON.stringify(objects).replaceAll(/"image":"[^"]*"/g, '"image":"-"');
    expect(withoutImages(rendered)).toBe(withoutImages(base));
  });

  it("takes a digest from the copy's own kustomization", async () => {
    const ws = workspace();
    const file = path.join(ws.deploy, 'kustomization.yaml');
    const kustomization = readYaml<Record<string, unknown>>('deploy/kustomization.yaml');
    const digest = `sha256:${'0f'.repeat(32)}`;
    writeFileSync(
      file,
      stringify({ ...kustomization, images: [{ name: IMAGE, newName: 'localhost:5000/aviary', digest }] }),
    );
    expect(images(await kustomize(ws.deploy))).toEqual([`localhost:5000/aviary@${digest}`]);
  });

  it('the API server accepts deploy/ with an overridden image (server-side dry run on the dev cluster)', async () => {
    const ws = workspace();
    const overlay = ws.overlay({
      resources: ['../deploy'],
      images: [{ name: IMAGE, newName: 'registry.example.com/platform/aviary', newTag: '1.2.3' }],
    });
    // A dry run: the test setup already installed deploy/'s CRDs and RBAC, which other tests rely on.
    const result = await testCluster().kubectl(
      ['apply', '-k', overlay, '--server-side', '--force-conflicts', '--dry-run=server', '-o', 'json'],
      { timeoutMs: 120_000 },
    );
    // Warnings are the shared cluster's history (objects other tests applied client-side), not errors.
    expect(result.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('Warning:'))).toEqual([]);
    expect(result.code).toBe(0);
    const applied = (JSON.parse(result.stdout) as { items: K8sObject[] }).items;
    const deployment = applied.find((o) => o.kind === 'Deployment') as Deployment;
    expect(containerOf(deployment).image).toBe('registry.example.com/platform/aviary:1.2.3');
  });
});

describe('kubectl apply -k of deploy/loadtester with an image override on the dev cluster', () => {
  let namespace: string;

  beforeAll(async () => {
    namespace = await testCluster().newNamespace('aviary-kustomize-lt');
  });
  afterAll(async () => {
    await testCluster().deleteNamespace(namespace);
  });

  it('runs the image the overlay names', async () => {
    const ws = workspace();
    const overlay = ws.overlay({
      namespace,
      resources: ['../deploy/loadtester'],
      images: [{ name: IMAGE, newName: 'registry.example.com/platform/aviary', newTag: '1.2.3' }],
    });
    const cluster = testCluster();
    const apply = await cluster.kubectl(['apply', '-k', overlay]);
    expect(apply.stderr).toBe('');
    expect(apply.stdout).toContain('deployment.apps/aviary-loadtester created');
    const rollout = await cluster.kubectl(
      ['rollout', 'status', 'deployment/aviary-loadtester', '-n', namespace, '--timeout=120s'],
      { timeoutMs: 150_000 },
    );
    expect(rollout.stdout).toContain('successfully rolled out');
    const live = JSON.parse(
      (await cluster.kubectl(['get', 'deployment', 'aviary-loadtester', '-n', namespace, '-o', 'json']))
        .stdout,
    ) as Deployment;
    expect(containerOf(live).image).toBe('registry.example.com/platform/aviary:1.2.3');
  }, 180_000);
});
