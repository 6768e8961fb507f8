/**
 * A small release on the real control plane for the verbs' tests: a Deployment and an Istio Canary
 * stepping 2% a second up to 60% with no metrics, then waiting at a confirm-promotion gate nobody opens
 * (so nothing but the verbs ends it), driven by a real `aviary controller` process holding only
 * deploy/rbac's grants.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { Canary } from '../../src/api/types.js';
import { GROUP, VERSION, type KubeClients } from '../../src/kube/client.js';
import type { TestCluster } from '../cluster/index.js';
import type { KubeObject } from '../cluster/objects.js';
import { spawnController, type ControllerProcess } from '../e2e/support/controller-process.js';
import { REPO, waitFor } from './run-cli.js';

export const NAME = 'web';
export const MAX_WEIGHT = 60;
export const STEP_WEIGHT = 2;
export const STEPS = MAX_WEIGHT / STEP_WEIGHT;

export function releaseObjects(namespace: string, analysis: Record<string, unknown> = {}): KubeObject[] {
  const labels = { app: NAME };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: NAME, namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: { revision: '1' } },
          spec: {
            containers: [{ name: 'web', image: 'example.com/web:1', ports: [{ containerPort: 8080 }] }],
          },
        },
      },
    },
    {
      apiVersion: 'aviary.dev/v1beta1',
      kind: 'Canary',
      metadata: { name: NAME, namespace },
      spec: {
        provider: 'istio',
        targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: NAME },
        progressDeadlineSeconds: 60,
        service: { port: 80, targetPort: 8080 },
        analysis: {
          interval: '1s',
          threshold: 2,
          maxWeight: MAX_WEIGHT,
          stepWeight: STEP_WEIGHT,
          // Nothing answers here, so the gate stays closed and the release never ends on its own:
          // only the verbs (promote, abort) end it, however slowly a loaded machine runs the CLI.
          webhooks: [
            { name: 'hold', type: 'confirm-promotion', url: 'http://127.0.0.1:9/hold', timeout: '1s' },
          ],
          ...analysis,
        },
      },
    },
  ];
}

export async function startRelease(
  cluster: TestCluster,
  namespace: string,
  analysis: Record<string, unknown> = {},
): Promise<ControllerProcess> {
  const applied = await cluster.kubectl(['apply', '-n', namespace, '-f', '-'], {
    stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: releaseObjects(namespace, analysis) }),
  });
  if (applied.code !== 0) throw new Error(`applying the release failed: ${applied.stderr}`);
  return spawnController({
    kubeconfig: await cluster.controllerKubeconfig(),
    namespace,
    // No metric is analysed: nothing is ever asked of this address.
    metricsServer: 'http://127.0.0.1:9',
  });
}

export async function readCanary(clients: KubeClients, namespace: string): Promise<Canary> {
  return (await clients.custom.getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'canaries',
    namespace,
    name: NAME,
  })) as Canary;
}

/** A new pod template: what `kubectl apply` of a new image does. */
export async function newRevision(cluster: TestCluster, namespace: string, revision: string): Promise<void> {
  const patched = await cluster.kubectl([
    'patch',
    'deployment',
    NAME,
    '-n',
    namespace,
    '--type',
    'merge',
    '-p',
    JSON.stringify({ spec: { template: { metadata: { annotations: { revision } } } } }),
  ]);
  if (patched.code !== 0) throw new Error(`new revision failed: ${patched.stderr}`);
}

/**
 * A ServiceAccount holding one of the user roles of examples/kubernetes/release-operator-rbac.yaml in
 * `namespace` (the example's ClusterRoles applied as they are, its RoleBinding moved to this namespace
 * and account); returns its kubeconfig.
 */
export async function userWithRole(
  cluster: TestCluster,
  namespace: string,
  serviceAccount: string,
  role: 'aviary-release-operator' | 'aviary-release-viewer',
): Promise<string> {
  const example = parseAllDocuments(
    readFileSync(`${REPO}examples/kubernetes/release-operator-rbac.yaml`, 'utf8'),
  )
    .map((d) => d.toJS() as KubeObject)
    .filter((o) => o.kind === 'ClusterRole');
  const binding: KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: `${serviceAccount}-${role}`, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
  };
  const account: KubeObject = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: serviceAccount, namespace },
  };
  const applied = await cluster.kubectl(['apply', '-f', '-'], {
    stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [account, ...example, binding] }),
  });
  if (applied.code !== 0) throw new Error(`applying the user role failed: ${applied.stderr}`);
  return cluster.serviceAccountKubeconfig(namespace, serviceAccount);
}

/** Waits for the first initialization; a failure shows what the controller said. */
export async function initialized(controller: ControllerProcess, read: () => Promise<Canary>): Promise<void> {
  await waitFor('initialized', read, (c) => c.status?.phase === 'Initialized', 60_000).catch((err: Error) => {
    throw new Error(`${err.message}\n${controller.tail()}`);
  });
}
