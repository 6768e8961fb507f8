/**
 * Least privilege, checked against what the controller really does on the real control plane: one
 * controller process, authenticated as the ServiceAccount aviary-system/aviary with only deploy/rbac's
 * grants, drives a release through every code path that touches the API (initialization with an HPA and
 * tracked ConfigMap/Secret, a MetricTemplate with credentials, alerts, promotion with a config change, a
 * failed rollout, deletion with revertOnDeletion, leader election and lease release). Every request it
 * made comes from the API server's own audit log (its user and the token this file minted for it), and
 * is checked against the rendered ClusterRole + leader-election Role bound to its ServiceAccount; the real
 * RBAC authorizer is asked the same questions and must agree, and answers 403 to what is not granted.
 *
 * Unused grants fail the test too: a rule no code path uses is a permission an attacker who takes the
 * controller's token gets for free. A grant the scenario cannot reach but the code needs must be listed
 * in NEEDED_BUT_UNEXERCISED with the reason.
 */
import path from 'node:path';
import { AuthorizationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRecords } from '../cluster/audit.js';
import { auditRecordsOfCredential, credentialIdOf } from '../cluster/audit-credential.js';
import { CONTROLLER_NAMESPACE, CONTROLLER_USER, testCluster } from '../cluster/index.js';
import type { KubeObject } from '../cluster/objects.js';
import { requirePrometheus } from '../prometheus/index.js';
import { podinfoCanary, podinfoWorkload, replicasOf } from '../e2e/support/manifests.js';
import { Scenario } from '../e2e/support/scenario.js';
import { startWorld, type World } from '../e2e/support/world.js';
import { controllerRoles, kustomize } from '../deploy/render.js';
import {
  accessOf,
  allowedBy,
  describeAccess,
  describeGrant,
  unusedGrants,
  type Access,
  type BoundRole,
} from './rbac.js';

/** Grants the code needs on paths no scenario here reaches, each with why. Keep it empty if you can. */
const ROUTER_CONTRACT =
  "the release here runs on Istio; test/routers checks every call of this provider's router against deploy/rbac";
const METRIC_PROVIDER =
  "the release here reads Prometheus; test/metrics (keptn, externalmetrics) runs these readers as the controller's ServiceAccount";
const DAEMONSET_TARGET =
  "the release here targets a Deployment; test/targets/daemonset-target.test.ts runs the DaemonSet target as the controller's ServiceAccount";
const SCALED_OBJECT =
  "the release here has no autoscaler; test/targets/scaled-object-target.test.ts runs the Deployment target with a KEDA ScaledObject as the controller's ServiceAccount";
const FROM_THE_WATCH =
  "a tick reads these from the controller's watches (kube/object-cache); a GET only follows a conflicting write, an object the watch has not seen yet, or a watch that is down, which this release may not meet (test/controller/idle-canaries.test.ts counts the controller's calls)";
const WATCHED_ROUTING_OBJECT =
  'the release here runs on Istio; a canary of this provider has the controller watch its routing objects (src/routers/watched-kinds.ts), as test/controller/idle-canaries.test.ts shows for gatewayapi';
const NEEDED_BUT_UNEXERCISED: { grant: string; why: string }[] = [
  { grant: 'ClusterRole/aviary: get apps/daemonsets', why: DAEMONSET_TARGET },
  { grant: 'ClusterRole/aviary: create apps/daemonsets', why: DAEMONSET_TARGET },
  { grant: 'ClusterRole/aviary: update apps/daemonsets', why: DAEMONSET_TARGET },
  { grant: 'ClusterRole/aviary: patch apps/daemonsets', why: DAEMONSET_TARGET },
  { grant: 'ClusterRole/aviary: get gateway.networking.k8s.io/httproutes', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: get networking.k8s.io/ingresses', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: get split.smi-spec.io/trafficsplits', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: get projectcontour.io/httpproxies', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: create gateway.networking.k8s.io/httproutes', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: create networking.k8s.io/ingresses', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: create split.smi-spec.io/trafficsplits', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: create projectcontour.io/httpproxies', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: update gateway.networking.k8s.io/httproutes', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: update networking.k8s.io/ingresses', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: update split.smi-spec.io/trafficsplits', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: update projectcontour.io/httpproxies', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: get traefik.io/traefikservices', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: create traefik.io/traefikservices', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: update traefik.io/traefikservices', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: get apisix.apache.org/apisixroutes', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: create apisix.apache.org/apisixroutes', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: update apisix.apache.org/apisixroutes', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: get gateway.solo.io/routetables', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: create gateway.solo.io/routetables', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: update gateway.solo.io/routetables', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: get gloo.solo.io/upstreams', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: create gloo.solo.io/upstreams', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: update gloo.solo.io/upstreams', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: get kuma.io/meshhttproutes', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: create kuma.io/meshhttproutes', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: update kuma.io/meshhttproutes', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: list gateway.networking.k8s.io/httproutes', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: watch gateway.networking.k8s.io/httproutes', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: list networking.k8s.io/ingresses', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: watch networking.k8s.io/ingresses', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: list split.smi-spec.io/trafficsplits', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: watch split.smi-spec.io/trafficsplits', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: list projectcontour.io/httpproxies', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: watch projectcontour.io/httpproxies', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: list traefik.io/traefikservices', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: watch traefik.io/traefikservices', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: list apisix.apache.org/apisixroutes', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: watch apisix.apache.org/apisixroutes', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: list gateway.solo.io/routetables', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: watch gateway.solo.io/routetables', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: list gloo.solo.io/upstreams', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: watch gloo.solo.io/upstreams', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: list kuma.io/meshhttproutes', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: watch kuma.io/meshhttproutes', why: WATCHED_ROUTING_OBJECT },
  { grant: 'ClusterRole/aviary: get serving.knative.dev/services', why: ROUTER_CONTRACT },
  { grant: 'ClusterRole/aviary: update serving.knative.dev/services', why: ROUTER_CONTRACT },
  {
    grant: 'ClusterRole/aviary: get serving.knative.dev/revisions',
    why: 'the release here targets a Deployment; test/targets/knative-target.test.ts runs the Knative target as the controller',
  },
  { grant: 'ClusterRole/aviary: get metrics.keptn.sh/keptnmetrics', why: METRIC_PROVIDER },
  { grant: 'ClusterRole/aviary: get metrics.keptn.sh/analyses', why: METRIC_PROVIDER },
  { grant: 'ClusterRole/aviary: create metrics.keptn.sh/analyses', why: METRIC_PROVIDER },
  { grant: 'ClusterRole/aviary: delete metrics.keptn.sh/analyses', why: METRIC_PROVIDER },
  { grant: 'ClusterRole/aviary: list external.metrics.k8s.io/*', why: METRIC_PROVIDER },
  { grant: 'ClusterRole/aviary: get keda.sh/scaledobjects', why: SCALED_OBJECT },
  { grant: 'ClusterRole/aviary: create keda.sh/scaledobjects', why: SCALED_OBJECT },
  { grant: 'ClusterRole/aviary: update keda.sh/scaledobjects', why: SCALED_OBJECT },
  { grant: 'ClusterRole/aviary: get aviary.dev/canaries', why: FROM_THE_WATCH },
  { grant: 'ClusterRole/aviary: get apps/deployments', why: FROM_THE_WATCH },
  { grant: 'ClusterRole/aviary: get networking.istio.io/destinationrules', why: FROM_THE_WATCH },
  { grant: 'ClusterRole/aviary: get autoscaling/horizontalpodautoscalers', why: FROM_THE_WATCH },
];

const cluster = testCluster();
let world: World;
let appNamespace = '';
let leaseName = '';
let roles: BoundRole[];
let serviceAccount: string;
let controllerAccesses: Access[] = [];
let controllerNonResourceURLs: string[] = [];
let controllerDenied: string[] = [];
let scenarioError: unknown;

/** podinfo reading a ConfigMap and a Secret, so both are tracked and copied for the primary. */
function workloadWithConfig(
  namespace: string,
  image: string,
  configValue: string,
  maxReplicas = 4,
): KubeObject[] {
  const config = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'podinfo-config', namespace },
      data: { color: configValue },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'podinfo-token', namespace },
      type: 'Opaque',
      stringData: { token: `token-${configValue}` },
    },
  ];
  const workload = podinfoWorkload(namespace).map((o) => {
    if (o.kind === 'HorizontalPodAutoscaler') return { ...o, spec: { ...(o.spec as object), maxReplicas } };
    if (o.kind !== 'Deployment') return o;
    const copy = structuredClone(o) as KubeObject & {
      spec: { template: { spec: { containers: { image: string; envFrom?: unknown[] }[] } } };
    };
    for (const c of copy.spec.template.spec.containers) {
      c.image = image;
      c.envFrom = [{ configMapRef: { name: 'podinfo-config' } }, { secretRef: { name: 'podinfo-token' } }];
    }
    return copy;
  });
  return [...config, ...workload];
}

async function runScenario(s: Scenario): Promise<void> {
  const namespace = s.namespace;
  world.traffic.set(namespace, 'podinfo', {});
  world.traffic.set(namespace, 'podinfo-primary', {});
  const support = [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'prometheus-auth', namespace },
      stringData: { username: 'aviary', password: 'aviary' },
    },
    {
      apiVersion: 'aviary.dev/v1beta1',
      kind: 'MetricTemplate',
      metadata: { name: 'error-rate', namespace },
      spec: {
        provider: {
          type: 'prometheus',
          address: world.prometheus.url,
          secretRef: { name: 'prometheus-auth' },
        },
        query: `100 - sum(rate(istio_requests_total{destination_workload_namespace="{{ namespace }}",destination_workload="{{ target }}",response_code!~"5.*"}[{{ interval }}])) / sum(rate(istio_requests_total{destination_workload_namespace="{{ namespace }}",destination_workload="{{ target }}"}[{{ interval }}])) * 100`,
      },
    },
    {
      apiVersion: 'aviary.dev/v1beta1',
      kind: 'AlertProvider',
      metadata: { name: 'on-call', namespace },
      spec: { type: 'slack', channel: 'releases', address: `${world.receiver.url}/slack/${namespace}` },
    },
  ];
  const canary = podinfoCanary(
    namespace,
    { receiverUrl: world.receiver.url, publicGateway: world.publicGateway },
    {
      spec: { revertOnDeletion: true },
      analysis: {
        threshold: 2,
        alerts: [{ name: 'on-call', severity: 'info', providerRef: { name: 'on-call' } }],
      },
    },
  );
  const analysis = (canary.spec as { analysis: { metrics: unknown[] } }).analysis;
  analysis.metrics.push({
    name: 'error-rate',
    templateRef: { name: 'error-rate' },
    thresholdRange: { max: 1 },
    interval: '30s',
  });

  s.startController({
    leaderElectionNamespace: CONTROLLER_NAMESPACE,
    leaderElectionId: leaseName,
    leaseDuration: '3s',
  });
  await s.apply([...support, ...workloadWithConfig(namespace, 'ghcr.io/stefanprodan/podinfo:6.0.0', 'blue')]);
  await s.apply([canary]);
  await s.untilPhase('Initialized');
  await world.prometheus.waitForValue(
    `count(rate(istio_requests_total{destination_workload_namespace="${namespace}",response_code="200"}[30s]) > 0)`,
    (v) => v >= 2,
    20_000,
  );

  // A new image, a changed ConfigMap, Secret and HPA: promotion updates the primary and its copies.
  await s.apply(workloadWithConfig(namespace, 'ghcr.io/stefanprodan/podinfo:6.0.1', 'green', 6));
  await s.untilPhase('Progressing');
  await s.untilPhase('Succeeded');

  // A changed traffic policy: the DestinationRules are updated.
  await s.kubectl([
    'patch',
    'canary',
    'podinfo',
    '--type=merge',
    '-p',
    JSON.stringify({ spec: { service: { trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } } } }),
  ]);
  await s.until('the DestinationRule to carry the new traffic policy', async () => {
    const rule = await s.custom<{ spec?: unknown }>(
      'networking.istio.io',
      'v1',
      'destinationrules',
      'podinfo-canary',
    );
    return JSON.stringify(rule?.spec).includes('ISTIO_MUTUAL') ? true : undefined;
  });

  // A failing revision: rolled back.
  world.traffic.set(namespace, 'podinfo', { errorRate: 0.5 });
  await s.kubectl(['set', 'image', 'deployment/podinfo', 'podinfod=ghcr.io/stefanprodan/podinfo:6.0.2']);
  await s.untilPhase('Progressing');
  await s.untilPhase('Failed');

  // revertOnDeletion: the finalizer runs, podinfo gets its replicas back, the Canary goes away.
  await s.kubectl(['delete', 'canary', 'podinfo', '--wait=false']);
  await s.until('the Canary to be deleted after finalization', async () =>
    (await s.custom('aviary.dev', 'v1beta1', 'canaries', 'podinfo')) === undefined ? true : undefined,
  );
  expect(replicasOf(await s.deployment('podinfo'))).toBeGreaterThan(0);

  // A graceful stop releases the lease (an update in the controller's namespace).
  await s.stop();
}

beforeAll(async () => {
  const rendered = await kustomize('deploy', path.join(cluster.bin, 'kubectl'));
  ({ roles, serviceAccount } = controllerRoles(rendered.objects));
  if (!requirePrometheus()) return;
  world = await startWorld();
  appNamespace = await world.newNamespace('rbac');
  leaseName = `aviary-rbac-${appNamespace}`;
  const s = new Scenario(world, appNamespace);
  // The audit log's clock is this machine's; a second of margin costs nothing (the token is new).
  const since = new Date(Date.now() - 1000);
  try {
    await runScenario(s);
  } catch (err) {
    scenarioError = err;
    await s.stop();
  }
  // The scenario's namespaces (the app's, the ingress gateway's where the preflight lists Gateways, the
  // Lease's) and cluster-scoped calls. The test's own reads are the admin's; kubectl as the controller
  // (below) is left out by its user agent.
  const controllerRequests = auditRecordsOfCredential(
    cluster.kubeconfig,
    CONTROLLER_USER,
    credentialIdOf(world.controllerKubeconfig),
    since,
  ).filter(
    (r) =>
      !(r.userAgent ?? '').startsWith('kubectl') &&
      (r.namespace === undefined ||
        [appNamespace, world.istioNamespace, CONTROLLER_NAMESPACE].includes(r.namespace)),
  );
  controllerNonResourceURLs = [
    ...new Set(controllerRequests.map((r) => r.nonResourceURL).filter((u): u is string => u !== undefined)),
  ];
  controllerAccesses = controllerRequests.map(accessOf).filter((a): a is Access => a !== undefined);
  controllerDenied = controllerRequests
    .filter((r) => r.code === 403)
    .map((r) => `${r.verb} ${r.resource ?? r.nonResourceURL ?? '?'}`);
}, 240_000);

afterAll(async () => {
  if (leaseName)
    await cluster
      .adminClients()
      .coordination.deleteNamespacedLease({ name: leaseName, namespace: CONTROLLER_NAMESPACE })
      .catch(() => undefined);
  await world?.close();
}, 60_000);

describe('deploy/rbac against the calls the controller makes', () => {
  it('binds a ClusterRole and a leader-election Role to the controller ServiceAccount', () => {
    expect(serviceAccount).toBe('aviary-system/aviary');
    expect(roles.map((r) => `${r.kind}/${r.name}${r.namespace ? ` in ${r.namespace}` : ''}`).sort()).toEqual([
      'ClusterRole/aviary',
      'Role/aviary-leader-election in aviary-system',
    ]);
    // The checker is not vacuous: it denies what the roles do not grant.
    expect(
      allowedBy(roles, { verb: 'delete', apiGroup: 'apps', resource: 'deployments', namespace: 'test' }),
    ).toBeUndefined();
    expect(
      allowedBy(roles, {
        verb: 'update',
        apiGroup: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'test',
      }),
    ).toBeUndefined();
  });

  describe.skipIf(!requirePrometheus())('with the controller running a full release', () => {
    it('runs the release to the end, never answered 403', () => {
      if (scenarioError) throw scenarioError;
      expect(controllerAccesses.length).toBeGreaterThan(50);
      expect(controllerDenied).toEqual([]);
    });

    it('makes only calls the rendered roles allow', () => {
      const denied = [...new Set(controllerAccesses.filter((a) => !allowedBy(roles, a)).map(describeAccess))];
      expect(
        denied,
        `calls the controller made that deploy/rbac does not allow:\n${denied.join('\n')}`,
      ).toEqual([]);
    });

    it('grants nothing the controller does not use', () => {
      const excused = new Set(NEEDED_BUT_UNEXERCISED.map((n) => n.grant));
      const unused = unusedGrants(roles, controllerAccesses)
        .map(describeGrant)
        .filter((g) => !excused.has(g));
      const used = [...new Set(controllerAccesses.map(describeAccess))].sort();
      expect(
        unused,
        `grants in deploy/rbac no controller call used (remove them, or list them in NEEDED_BUT_UNEXERCISED with the reason):\n${unused.join('\n')}\n\ncalls made:\n${used.join('\n')}`,
      ).toEqual([]);
    });

    it('needs no non-resource URL beyond what every authenticated user may read', () => {
      // system:discovery and system:public-info-viewer, bound to all authenticated users by default.
      const everyone = [
        /^\/api(\/.*)?$/,
        /^\/apis(\/.*)?$/,
        /^\/version$/,
        /^\/(healthz|livez|readyz)$/,
        /^\/openapi\/.*$/,
      ];
      expect(controllerNonResourceURLs.filter((u) => !everyone.some((re) => re.test(u)))).toEqual([]);
    });

    it('writes the Lease only in its own namespace, and nothing cluster-wide but reads', () => {
      const leases = controllerAccesses.filter((a) => a.resource === 'leases');
      expect(leases.length).toBeGreaterThan(0);
      expect(leases.every((a) => a.namespace === CONTROLLER_NAMESPACE)).toBe(true);
      const clusterWide = controllerAccesses.filter((a) => a.namespace === undefined);
      expect(
        [...new Set(clusterWide.map((a) => a.verb))].every(
          (v) => v === 'list' || v === 'watch' || v === 'get',
        ),
      ).toBe(true);
    });

    it('agrees with the real RBAC authorizer on every call made and on calls it denies', async () => {
      // SelfSubjectAccessReview as the controller: the API server's own authorizer answers.
      const authz = cluster.kubeConfig(world.controllerKubeconfig).makeApiClient(AuthorizationV1Api);
      const samples: Access[] = [
        ...new Map(controllerAccesses.map((a) => [describeAccess(a), a])).values(),
        { verb: 'delete', apiGroup: 'apps', resource: 'deployments', namespace: appNamespace },
        { verb: 'create', apiGroup: 'coordination.k8s.io', resource: 'leases', namespace: appNamespace },
        { verb: 'list', apiGroup: '', resource: 'secrets' },
        { verb: 'delete', apiGroup: 'aviary.dev', resource: 'canaries', namespace: appNamespace },
        { verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
      ];
      const disagreements: string[] = [];
      for (const access of samples) {
        const review = await authz.createSelfSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {
              resourceAttributes: {
                verb: access.verb,
                group: access.apiGroup,
                resource: access.resource,
                ...(access.subresource ? { subresource: access.subresource } : {}),
                ...(access.namespace ? { namespace: access.namespace } : {}),
                ...(access.name ? { name: access.name } : {}),
              },
            },
          },
        });
        const real = review.status?.allowed === true;
        const ours = allowedBy(roles, access) !== undefined;
        if (real !== ours)
          disagreements.push(
            `${describeAccess(access)}: API server ${real ? 'allows' : 'denies'}, rbac.ts ${ours ? 'allows' : 'denies'}`,
          );
      }
      expect(disagreements).toEqual([]);
      expect(samples.length).toBeGreaterThan(10);
    });

    it('is answered 403 by the API server for a call deploy/rbac does not grant', async () => {
      const started = new Date(Date.now() - 1000);
      const kubeconfig = world.controllerKubeconfig;
      const remove = await cluster.kubectl(['delete', 'deployment', 'podinfo', '-n', appNamespace], {
        kubeconfig,
      });
      expect(remove.code).not.toBe(0);
      expect(remove.stderr).toContain(
        `deployments.apps "podinfo" is forbidden: User "${CONTROLLER_USER}" cannot delete resource "deployments" in API group "apps" in the namespace "${appNamespace}"`,
      );
      const lease = await cluster.kubectl(['create', '-n', appNamespace, '-f', '-'], {
        kubeconfig,
        stdin: JSON.stringify({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: 'aviary-controller' },
          spec: { holderIdentity: 'intruder' },
        }),
      });
      expect(lease.code).not.toBe(0);
      expect(lease.stderr).toContain(
        `cannot create resource "leases" in API group "coordination.k8s.io" in the namespace "${appNamespace}"`,
      );
      // The audit log shows both, answered 403; the Deployment is still there.
      const denied = auditRecords(cluster.kubeconfig, CONTROLLER_USER, started)
        .filter((r) => r.namespace === appNamespace && r.code === 403)
        .map((r) => `${r.verb} ${r.apiGroup ?? ''}/${r.resource ?? ''}`);
      expect(denied).toEqual(
        expect.arrayContaining(['delete apps/deployments', 'create coordination.k8s.io/leases']),
      );
      expect((await cluster.kubectl(['get', 'deployment', 'podinfo', '-n', appNamespace])).code).toBe(0);
    });
  });
});
