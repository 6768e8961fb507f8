/**
 * `kubectl apply -k deploy/` as a user runs it, on the real control plane with the kubectl of its own
 * version: the kustomize base renders and applies; the CRDs are Established and served; the controller
 * Deployment rolls out (its pods on KWOK's nodes); the tutorial's podinfo Canary (Flagger's, with only the
 * apiVersion changed) is accepted by the real structural schema with every field kept; the controller and
 * load tester manifests name only flags their commands have.
 *
 * The cluster is shared with other tests, which already use deploy/'s CRDs and RBAC (test/cluster
 * installs them): applying deploy/ again must leave them as they are, so objects may be reported created,
 * configured or unchanged on the first apply, and unchanged on the second. The tutorial's objects go to a
 * fresh namespace instead of `test`.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCluster } from '../cluster/index.js';
import type { KubeObject } from '../cluster/objects.js';
import { readManifests } from '../e2e/support/manifests.js';
import { kustomize, REPO } from './render.js';

const cluster = testCluster();
const KUBECTL = path.join(cluster.bin, 'kubectl');
let rendered: { text: string; objects: KubeObject[] };
let namespace: string;

beforeAll(async () => {
  [rendered, namespace] = await Promise.all([kustomize('deploy', KUBECTL), cluster.newNamespace('deploy')]);
});
afterAll(() => cluster.deleteNamespace(namespace));

async function kubectl(args: string[], stdin?: string): Promise<string> {
  const result = await cluster.kubectl(args, stdin === undefined ? {} : { stdin });
  if (result.code !== 0)
    throw new Error(`kubectl ${args.join(' ')} failed (${result.code}):\n${result.stderr}`);
  return result.stdout;
}

/** The objects moved to the test's namespace (for `kubectl apply -n <namespace>`). */
const inNamespace = (objects: KubeObject[]): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: objects
      .filter((o) => o.kind !== 'Namespace')
      .map((o) => ({ ...o, metadata: { ...o.metadata, namespace } })),
  });

const kinds = (objects: KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

/** How `kubectl apply` names an object in its output: `deployment.apps/aviary`. */
function applied(o: KubeObject): string {
  const group = o.apiVersion?.includes('/') ? `.${o.apiVersion.split('/')[0]}` : '';
  return `${(o.kind ?? '').toLowerCase()}${group}/${o.metadata.name}`;
}

describe('kubectl apply -k deploy/ on the real control plane', () => {
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

  it('applies, registers the CRDs, rolls the controller out, and re-applies unchanged', async () => {
    const out = await kubectl(['apply', '-k', `${REPO}deploy`]);
    for (const object of rendered.objects)
      expect(out).toMatch(
        new RegExp(`^${applied(object).replace(/\./g, '\\.')} (created|configured|unchanged)$`, 'm'),
      );
    expect(out).toContain('customresourcedefinition.apiextensions.k8s.io/canaries.aviary.dev');
    expect(out).toContain('role.rbac.authorization.k8s.io/aviary-leader-election');

    await kubectl([
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/canaries.aviary.dev',
      'crd/metrictemplates.aviary.dev',
      'crd/alertproviders.aviary.dev',
    ]);
    const resources = await kubectl(['api-resources', '--api-group=aviary.dev', '-o', 'name']);
    expect(resources.split('\n').filter(Boolean).sort()).toEqual([
      'alertproviders.aviary.dev',
      'canaries.aviary.dev',
      'metrictemplates.aviary.dev',
    ]);
    const crds = JSON.parse(await kubectl(['get', 'crd', '-o', 'json'])) as {
      items: {
        metadata: { name: string };
        status?: { conditions?: { type: string; status: string }[]; acceptedNames?: { kind?: string } };
      }[];
    };
    for (const name of ['canaries.aviary.dev', 'metrictemplates.aviary.dev', 'alertproviders.aviary.dev']) {
      const crd = crds.items.find((c) => c.metadata.name === name);
      expect(crd?.status?.conditions, name).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'Established', status: 'True' }),
          expect.objectContaining({ type: 'NamesAccepted', status: 'True' }),
        ]),
      );
    }

    const again = await kubectl(['apply', '-k', `${REPO}deploy`]);
    expect(again).not.toMatch(/ (created|configured)$/m);
    expect(again).toContain('deployment.apps/aviary unchanged');
    // The real deployment controller and KWOK's nodes run its pods (no container runtime: nothing executes).
    expect(
      await kubectl(['rollout', 'status', 'deployment/aviary', '-n', 'aviary-system', '--timeout=90s']),
    ).toContain('successfully rolled out');
    const deployment = JSON.parse(
      await kubectl(['get', 'deployment', 'aviary', '-n', 'aviary-system', '-o', 'json']),
    ) as { spec: { replicas: number }; status: { readyReplicas?: number } };
    expect(deployment.status.readyReplicas).toBe(deployment.spec.replicas);
  }, 150_000);

  it("accepts the tutorial's podinfo Canary with every field kept", async () => {
    await kubectl(['apply', '-n', namespace, '-f', '-'], inNamespace(readManifests('podinfo.yaml')));
    expect(
      await kubectl(['apply', '-n', namespace, '-f', '-'], inNamespace(readManifests('podinfo-canary.yaml'))),
    ).toContain('canary.aviary.dev/podinfo created');
    const [manifest] = readManifests('podinfo-canary.yaml');
    const stored = JSON.parse(
      await kubectl(['get', 'canary', 'podinfo', '-n', namespace, '-o', 'json']),
    ) as KubeObject;
    // Nothing pruned by the structural schema: what the user wrote is what the controller will read.
    expect(stored.spec).toMatchObject(manifest?.spec as object);
    expect(await kubectl(['get', 'canaries', '-n', namespace])).toMatch(/^NAME\s.*\npodinfo\s/);
  });

  it('rejects a Canary the schema forbids, naming the field', async () => {
    const [manifest] = readManifests('podinfo-canary.yaml');
    const bad = structuredClone(manifest) as KubeObject & { spec: { analysis: Record<string, unknown> } };
    bad.metadata.name = 'broken';
    bad.spec.analysis.threshold = 'five';
    const result = await cluster.kubectl(['apply', '-n', namespace, '-f', '-'], {
      stdin: inNamespace([bad]),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('spec.analysis.threshold');
  });

  it("installs the load tester beside the app, also under Flagger's service name", async () => {
    const loadtester = await kustomize('examples/kubernetes/loadtester', KUBECTL);
    const out = await kubectl(['apply', '-n', namespace, '-f', '-'], inNamespace(loadtester.objects));
    expect(out).toContain('deployment.apps/aviary-loadtester created');
    expect(out).toContain('service/flagger-loadtester created');
    expect(out).toContain('service/aviary-loadtester created');
    const services = JSON.parse(await kubectl(['get', 'services', '-n', namespace, '-o', 'json'])) as {
      items: { metadata: { name: string }; spec: { selector: Record<string, string> } }[];
    };
    const selectors = services.items.map((s) => s.spec.selector['app.kubernetes.io/name']);
    expect(selectors).toEqual(['aviary-loadtester', 'aviary-loadtester']);
  });

  it('starts the controller and load tester with flags their commands have', async () => {
    const loadtester = await kustomize('examples/kubernetes/loadtester', KUBECTL);
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
