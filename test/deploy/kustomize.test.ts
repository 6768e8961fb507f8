/**
 * `kubectl apply -k deploy/` as a user runs it, against the in-memory API server: the real kubectl renders
 * the kustomize base and applies it; the CRDs get served; the tutorial's podinfo Canary (Flagger's, with
 * only the apiVersion changed) is accepted with every field kept; the controller and load tester
 * manifests name only flags their commands have.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApiServer, type FakeApiServer, type KubeObject } from '../harness/index.js';
import { readManifests } from '../e2e/support/manifests.js';
import { ISTIO_CRDS } from '../e2e/support/world.js';
import { kustomize, REPO } from './render.js';

let api: FakeApiServer;
let rendered: { text: string; objects: KubeObject[] };

beforeAll(async () => {
  // A cluster with Istio installed: its CRDs exist, Aviary's do not yet.
  [api, rendered] = await Promise.all([startFakeApiServer({ crdDirs: [ISTIO_CRDS] }), kustomize('deploy')]);
});
afterAll(() => api?.close());

async function kubectl(args: string[], stdin?: string): Promise<string> {
  const result = await api.kubectl(args, stdin === undefined ? {} : { stdin });
  if (result.code !== 0)
    throw new Error(`kubectl ${args.join(' ')} failed (${result.code}):\n${result.stderr}`);
  return result.stdout;
}

const kinds = (objects: KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

describe('kubectl apply -k deploy/ on the harness API server', () => {
  it('renders CRDs, RBAC and the controller', () => {
    expect(kinds(rendered.objects)).toEqual([
      'ClusterRole/aviary',
      'ClusterRoleBinding/aviary',
      'CustomResourceDefinition/alertproviders.aviary.dev',
      'CustomResourceDefinition/canaries.aviary.dev',
      'CustomResourceDefinition/metrictemplates.aviary.dev',
      'Deployment/aviary',
      'Namespace/aviary-system',
      'Role/aviary-leader-election',
      'RoleBinding/aviary-leader-election',
      'Service/aviary',
      'ServiceAccount/aviary',
    ]);
  });

  it('applies, registers the CRDs, and re-applies unchanged', async () => {
    const out = await kubectl(['apply', '-f', '-'], rendered.text);
    for (const line of [
      'namespace/aviary-system created',
      'customresourcedefinition.apiextensions.k8s.io/canaries.aviary.dev created',
      'clusterrole.rbac.authorization.k8s.io/aviary created',
      'role.rbac.authorization.k8s.io/aviary-leader-election created',
      'deployment.apps/aviary created',
    ])
      expect(out).toContain(line);

    const resources = await kubectl(['api-resources', '--api-group=aviary.dev', '-o', 'name']);
    expect(resources.split('\n').filter(Boolean).sort()).toEqual([
      'alertproviders.aviary.dev',
      'canaries.aviary.dev',
      'metrictemplates.aviary.dev',
    ]);
    const crds = JSON.parse(await kubectl(['get', 'crd', '-o', 'json'])) as {
      items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
    };
    const canaries = crds.items.find((c) => c.metadata.name === 'canaries.aviary.dev');
    expect(canaries?.status?.conditions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'Established', status: 'True' })]),
    );

    const again = await kubectl(['apply', '-f', '-'], rendered.text);
    expect(again).not.toMatch(/ created$/m);
    expect(again).toContain('deployment.apps/aviary unchanged');
    expect(
      await kubectl(['rollout', 'status', 'deployment/aviary', '-n', 'aviary-system', '--timeout=10s']),
    ).toContain('successfully rolled out');
  });

  it("accepts the tutorial's podinfo Canary with every field kept", async () => {
    await kubectl(['apply', '-f', `${REPO}examples/kubernetes/podinfo.yaml`]);
    expect(await kubectl(['apply', '-f', `${REPO}examples/kubernetes/podinfo-canary.yaml`])).toContain(
      'canary.aviary.dev/podinfo created',
    );
    const [manifest] = readManifests('podinfo-canary.yaml');
    const stored = JSON.parse(
      await kubectl(['get', 'canary', 'podinfo', '-n', 'test', '-o', 'json']),
    ) as KubeObject;
    // Nothing pruned by the structural schema: what the user wrote is what the controller will read.
    expect(stored.spec).toMatchObject(manifest?.spec as object);
    expect(await kubectl(['get', 'canaries', '-n', 'test'])).toMatch(/^NAME\s.*\npodinfo\s/);
  });

  it('rejects a Canary the schema forbids, naming the field', async () => {
    const [manifest] = readManifests('podinfo-canary.yaml');
    const bad = structuredClone(manifest) as KubeObject & { spec: { analysis: Record<string, unknown> } };
    bad.metadata.name = 'broken';
    bad.spec.analysis.threshold = 'five';
    const result = await api.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(bad) });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('spec.analysis.threshold');
  });

  it("installs the load tester beside the app, also under Flagger's service name", async () => {
    const loadtester = await kustomize('examples/kubernetes/loadtester');
    const out = await kubectl(['apply', '-f', '-'], loadtester.text);
    expect(out).toContain('deployment.apps/aviary-loadtester created');
    expect(out).toContain('service/flagger-loadtester created');
    expect(out).toContain('service/aviary-loadtester created');
    const services = JSON.parse(await kubectl(['get', 'services', '-n', 'test', '-o', 'json'])) as {
      items: { metadata: { name: string }; spec: { selector: Record<string, string> } }[];
    };
    const selectors = services.items.map((s) => s.spec.selector['app.kubernetes.io/name']);
    expect(selectors).toEqual(['aviary-loadtester', 'aviary-loadtester']);
  });

  it('starts the controller and load tester with flags their commands have', async () => {
    const loadtester = await kustomize('examples/kubernetes/loadtester');
    for (const object of [...rendered.objects, ...loadtester.objects].filter(
      (o) => o.kind === 'Deployment',
    )) {
      const container = (object.spec as { template: { spec: { containers: { args: string[] }[] } } }).template
        .spec.containers[0];
      const [command, ...args] = container?.args ?? [];
      const { stdout: help } = await promisify(execFile)(
        process.execPath,
        [`${REPO}bin/aviary.js`, command ?? '', '--help'],
        {
          cwd: REPO,
        },
      );
      const flags = args.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0] ?? a);
      for (const flag of flags)
        expect(help, `${object.metadata.name}: ${command} has no ${flag}`).toContain(flag);
    }
  });
});
