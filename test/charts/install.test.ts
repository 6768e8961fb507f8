/**
 * `helm install`, `helm upgrade` and `helm uninstall` of the charts on the dev cluster (the real API
 * server, RBAC and Deployment controller; KWOK pods run nothing, so "available" is as far as a pod goes).
 * Each release has its own namespace and a release name that names its cluster-scoped objects, so it
 * never touches deploy/rbac's `aviary` objects that the test setup installs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCluster } from '../cluster/index.js';
import {
  AVIARY_CHART,
  LOADTESTER_CHART,
  containerOf,
  helm,
  parseManifests,
  readText,
  type Deployment,
  type K8sObject,
} from './helm.js';

const INSTALL_TIMEOUT_MS = 240_000;

async function get<T = K8sObject>(kind: string, name: string, namespace?: string): Promise<T | undefined> {
  const result = await testCluster().kubectl([
    'get',
    kind,
    name,
    ...(namespace ? ['-n', namespace] : []),
    '-o',
    'json',
    '--ignore-not-found',
  ]);
  if (result.code !== 0) throw new Error(`kubectl get ${kind} ${name} failed: ${result.stderr}`);
  return result.stdout.trim() ? (JSON.parse(result.stdout) as T) : undefined;
}

/** `kubectl auth can-i` as a ServiceAccount: what the API server's RBAC really grants it. */
async function canI(
  serviceAccount: string,
  namespace: string,
  verb: string,
  resource: string,
  where: string,
) {
  const [plural, subresource] = resource.split('/');
  const result = await testCluster().kubectl([
    'auth',
    'can-i',
    verb,
    plural as string,
    ...(subresource ? [`--subresource=${subresource}`] : []),
    '-n',
    where,
    `--as=system:serviceaccount:${namespace}:${serviceAccount}`,
  ]);
  return result.stdout.trim() === 'yes';
}

function deployRules(file: string, kind: string): unknown {
  const object = parseManifests(readText(file)).find((o) => o.kind === kind) as K8sObject & {
    rules: unknown;
  };
  return object.rules;
}

const suffix = () => Math.random().toString(36).slice(2, 8);

describe('helm install / upgrade / uninstall charts/aviary on the dev cluster', () => {
  const release = `aviary-chart-test-${suffix()}`;
  let namespace: string;

  beforeAll(async () => {
    namespace = await testCluster().newNamespace('aviary-chart');
  });

  afterAll(async () => {
    await helm(['uninstall', release, '-n', namespace, '--ignore-not-found', '--wait']).catch(
      () => undefined,
    );
    await testCluster().deleteNamespace(namespace);
  }, INSTALL_TIMEOUT_MS);

  it(
    'installs the controller with its ServiceAccount and the RBAC of deploy/rbac, and it becomes available',
    async () => {
      const out = await helm(
        ['install', release, AVIARY_CHART, '-n', namespace, '--wait', '--timeout', '180s'],
        {
          timeoutMs: INSTALL_TIMEOUT_MS,
        },
      );
      expect(out).toContain('STATUS: deployed');

      const deployment = await get<Deployment & { status: { availableReplicas?: number } }>(
        'deployment',
        release,
        namespace,
      );
      expect(deployment?.status.availableReplicas).toBe(1);
      expect(containerOf(deployment as Deployment).args).not.toContain('--leader-election');
      expect(deployment?.spec.template.spec.serviceAccountName).toBe(release);
      expect(await get('serviceaccount', release, namespace)).toBeDefined();
      expect(await get('service', release, namespace)).toBeDefined();

      const clusterRole = await get<K8sObject & { rules: unknown }>('clusterrole', release);
      expect(clusterRole?.rules).toEqual(deployRules('deploy/rbac/cluster-role.yaml', 'ClusterRole'));
      const binding = await get<K8sObject & { subjects: unknown; roleRef: { name: string } }>(
        'clusterrolebinding',
        release,
      );
      expect(binding?.roleRef.name).toBe(release);
      expect(binding?.subjects).toEqual([{ kind: 'ServiceAccount', name: release, namespace }]);

      // The API server's own RBAC: the ServiceAccount may do what the controller does, nothing more,
      // and holds no Lease rights without leader election.
      expect(await canI(release, namespace, 'patch', 'canaries.aviary.dev', 'default')).toBe(true);
      expect(await canI(release, namespace, 'update', 'canaries.aviary.dev/status', 'default')).toBe(true);
      expect(await canI(release, namespace, 'create', 'virtualservices.networking.istio.io', 'default')).toBe(
        true,
      );
      expect(await canI(release, namespace, 'delete', 'deployments.apps', 'default')).toBe(false);
      expect(await canI(release, namespace, 'update', 'leases.coordination.k8s.io', namespace)).toBe(false);

      // The CRDs were there already (test setup, from deploy/crds): Helm left them alone.
      expect(await get('crd', 'canaries.aviary.dev')).toBeDefined();
    },
    INSTALL_TIMEOUT_MS,
  );

  it(
    'upgrades to two replicas: leader election on, the Lease granted in the release namespace',
    async () => {
      await helm(
        [
          'upgrade',
          release,
          AVIARY_CHART,
          '-n',
          namespace,
          '--set',
          'leaderElection.replicaCount=2',
          '--wait',
          '--timeout',
          '180s',
        ],
        { timeoutMs: INSTALL_TIMEOUT_MS },
      );
      const deployment = await get<Deployment & { status: { availableReplicas?: number } }>(
        'deployment',
        release,
        namespace,
      );
      expect(deployment?.spec.replicas).toBe(2);
      expect(deployment?.status.availableReplicas).toBe(2);
      expect(containerOf(deployment as Deployment).args).toEqual(
        expect.arrayContaining([
          '--leader-election',
          `--leader-election-namespace=${namespace}`,
          `--leader-election-id=${release}`,
        ]),
      );
      expect(deployment?.spec.strategy?.type).toBe('RollingUpdate');
      const role = await get<K8sObject & { rules: unknown }>('role', `${release}-leader-election`, namespace);
      expect(role?.rules).toEqual(deployRules('deploy/rbac/leader-election-role.yaml', 'Role'));
      expect(await canI(release, namespace, 'update', 'leases.coordination.k8s.io', namespace)).toBe(true);
      expect(await canI(release, namespace, 'update', 'leases.coordination.k8s.io', 'default')).toBe(false);
    },
    INSTALL_TIMEOUT_MS,
  );

  it(
    'upgrades back to one replica: Recreate again, the Lease rights removed',
    async () => {
      await helm(
        [
          'upgrade',
          release,
          AVIARY_CHART,
          '-n',
          namespace,
          '--set',
          'leaderElection.replicaCount=1',
          '--wait',
          '--timeout',
          '180s',
        ],
        { timeoutMs: INSTALL_TIMEOUT_MS },
      );
      const deployment = await get<Deployment>('deployment', release, namespace);
      expect(deployment?.spec.replicas).toBe(1);
      expect(deployment?.spec.strategy?.type).toBe('Recreate');
      expect(containerOf(deployment as Deployment).args).not.toContain('--leader-election');
      expect(await get('role', `${release}-leader-election`, namespace)).toBeUndefined();
    },
    INSTALL_TIMEOUT_MS,
  );

  it(
    'uninstalls every object it made, cluster-scoped ones included, and keeps the CRDs',
    async () => {
      await helm(['uninstall', release, '-n', namespace, '--wait', '--timeout', '120s'], {
        timeoutMs: INSTALL_TIMEOUT_MS,
      });
      expect(await get('deployment', release, namespace)).toBeUndefined();
      expect(await get('serviceaccount', release, namespace)).toBeUndefined();
      expect(await get('service', release, namespace)).toBeUndefined();
      expect(await get('clusterrole', release)).toBeUndefined();
      expect(await get('clusterrolebinding', release)).toBeUndefined();
      // Helm never deletes crds/: every Canary in the cluster survives an uninstall.
      expect(await get('crd', 'canaries.aviary.dev')).toBeDefined();
      // deploy/rbac's objects, installed by the test setup, were never the release's.
      expect(await get('clusterrole', 'aviary')).toBeDefined();
    },
    INSTALL_TIMEOUT_MS,
  );
});

describe('helm install charts/loadtester on the dev cluster', () => {
  let namespace: string;

  beforeAll(async () => {
    namespace = await testCluster().newNamespace('aviary-loadtester-chart');
  });

  afterAll(async () => {
    await helm(['uninstall', 'aviary-loadtester', '-n', namespace, '--ignore-not-found', '--wait']).catch(
      () => undefined,
    );
    await testCluster().deleteNamespace(namespace);
  }, INSTALL_TIMEOUT_MS);

  it(
    'installs the load tester under the name webhooks call, available, with no API token',
    async () => {
      await helm(
        [
          'install',
          'aviary-loadtester',
          LOADTESTER_CHART,
          '-n',
          namespace,
          '--set',
          'allowCommands={kubectl:-n=\\,--namespace=\\,-w}',
          '--wait',
          '--timeout',
          '180s',
        ],
        { timeoutMs: INSTALL_TIMEOUT_MS },
      );
      const deployment = await get<Deployment & { status: { availableReplicas?: number } }>(
        'deployment',
        'aviary-loadtester',
        namespace,
      );
      expect(deployment?.status.availableReplicas).toBe(1);
      expect(containerOf(deployment as Deployment).args).toContain(
        '--allow-command=kubectl:-n=,--namespace=,-w',
      );
      const service = await get<K8sObject & { spec: { ports: { port: number }[] } }>(
        'service',
        'aviary-loadtester',
        namespace,
      );
      expect(service?.spec.ports.map((p) => p.port)).toEqual([80]);
      // The pod the Deployment controller made has no ServiceAccount token mounted.
      const pods = await testCluster().kubectl([
        'get',
        'pods',
        '-n',
        namespace,
        '-l',
        'app.kubernetes.io/instance=aviary-loadtester',
        '-o',
        'json',
      ]);
      const [pod] = (JSON.parse(pods.stdout) as { items: { spec: { volumes?: { name: string }[] } }[] })
        .items;
      expect(pod?.spec.volumes?.map((v) => v.name)).toEqual(['work']);

      await helm(['uninstall', 'aviary-loadtester', '-n', namespace, '--wait'], {
        timeoutMs: INSTALL_TIMEOUT_MS,
      });
      expect(await get('deployment', 'aviary-loadtester', namespace)).toBeUndefined();
    },
    INSTALL_TIMEOUT_MS,
  );
});
