/**
 * Least privilege, checked against what the controller really does: one controller process drives a
 * release through every code path that touches the API (initialization with an HPA and tracked
 * ConfigMap/Secret, a MetricTemplate with credentials, alerts, promotion with a config change, a failed
 * rollout, deletion with revertOnDeletion, leader election and lease release), then every request it
 * made is checked against the rendered ClusterRole + leader-election Role bound to its ServiceAccount.
 *
 * Unused grants fail the test too: a rule no code path uses is a permission an attacker who takes the
 * controller's token gets for free. A grant the scenario cannot reach but the code needs must be listed
 * in NEEDED_BUT_UNEXERCISED with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../harness/index.js';
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

const NAMESPACE = 'test';
const CONTROLLER_NAMESPACE = 'aviary-system';

/** Grants the code needs on paths no scenario here reaches, each with why. Keep it empty if you can. */
const ROUTER_CONTRACT =
  "the release here runs on Istio; test/routers checks every call of this provider's router against deploy/rbac";
const NEEDED_BUT_UNEXERCISED: { grant: string; why: string }[] = [
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
];

let world: World;
let roles: BoundRole[];
let serviceAccount: string;
let controllerAccesses: Access[] = [];
let controllerNonResourceURLs: string[] = [];
let scenarioError: unknown;

/** podinfo reading a ConfigMap and a Secret, so both are tracked and copied for the primary. */
function workloadWithConfig(image: string, configValue: string, maxReplicas = 4): KubeObject[] {
  const config = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'podinfo-config', namespace: NAMESPACE },
      data: { color: configValue },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'podinfo-token', namespace: NAMESPACE },
      type: 'Opaque',
      stringData: { token: `token-${configValue}` },
    },
  ];
  const workload = podinfoWorkload(NAMESPACE).map((o) => {
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
  world.traffic.set(NAMESPACE, 'podinfo', {});
  world.traffic.set(NAMESPACE, 'podinfo-primary', {});
  const support = [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'prometheus-auth', namespace: NAMESPACE },
      stringData: { username: 'aviary', password: 'aviary' },
    },
    {
      apiVersion: 'aviary.dev/v1beta1',
      kind: 'MetricTemplate',
      metadata: { name: 'error-rate', namespace: NAMESPACE },
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
      metadata: { name: 'on-call', namespace: NAMESPACE },
      spec: { type: 'slack', channel: 'releases', address: `${world.receiver.url}/slack/${NAMESPACE}` },
    },
  ];
  const canary = podinfoCanary(NAMESPACE, world.receiver.url, {
    spec: { revertOnDeletion: true },
    analysis: {
      threshold: 2,
      alerts: [{ name: 'on-call', severity: 'info', providerRef: { name: 'on-call' } }],
    },
  });
  const analysis = (canary.spec as { analysis: { metrics: unknown[] } }).analysis;
  analysis.metrics.push({
    name: 'error-rate',
    templateRef: { name: 'error-rate' },
    thresholdRange: { max: 1 },
    interval: '30s',
  });

  s.startController({ leaderElectionNamespace: CONTROLLER_NAMESPACE, leaseDuration: '3s' });
  await s.apply([...support, ...workloadWithConfig('ghcr.io/stefanprodan/podinfo:6.0.0', 'blue')]);
  await s.apply([canary]);
  await s.untilPhase('Initialized');
  await world.prometheus.waitForValue(
    `count(rate(istio_requests_total{destination_workload_namespace="${NAMESPACE}",response_code="200"}[30s]) > 0)`,
    (v) => v >= 2,
    20_000,
  );

  // A new image, a changed ConfigMap, Secret and HPA: promotion updates the primary and its copies.
  await s.apply(workloadWithConfig('ghcr.io/stefanprodan/podinfo:6.0.1', 'green', 6));
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
  await s.until('the DestinationRule to carry the new traffic policy', () => {
    const rule = world.api.get('destinationrules.networking.istio.io', NAMESPACE, 'podinfo-canary');
    return JSON.stringify(rule?.spec).includes('ISTIO_MUTUAL') ? true : undefined;
  });

  // A failing revision: rolled back.
  world.traffic.set(NAMESPACE, 'podinfo', { errorRate: 0.5 });
  await s.kubectl(['set', 'image', 'deployment/podinfo', 'podinfod=ghcr.io/stefanprodan/podinfo:6.0.2']);
  await s.untilPhase('Progressing');
  await s.untilPhase('Failed');

  // revertOnDeletion: the finalizer runs, podinfo gets its replicas back, the Canary goes away.
  await s.kubectl(['delete', 'canary', 'podinfo', '--wait=false']);
  await s.until('the Canary to be deleted after finalization', () =>
    world.api.get('canaries.aviary.dev', NAMESPACE, 'podinfo') === undefined ? true : undefined,
  );
  expect(replicasOf(s.deployment('podinfo'))).toBeGreaterThan(0);

  // A graceful stop releases the lease (an update in the controller's namespace).
  await s.stop();
}

beforeAll(async () => {
  const rendered = await kustomize('deploy');
  ({ roles, serviceAccount } = controllerRoles(rendered.objects));
  if (!requirePrometheus()) return;
  world = await startWorld([NAMESPACE, CONTROLLER_NAMESPACE]);
  const s = new Scenario(world, NAMESPACE, 'podinfo', 'store');
  try {
    await runScenario(s);
  } catch (err) {
    scenarioError = err;
    await s.stop();
  }
  // The test reads only through the harness's storage and kubectl: every other request is the controller's.
  const controllerRequests = world.api.requests.filter((r) => !(r.userAgent ?? '').startsWith('kubectl'));
  controllerNonResourceURLs = [
    ...new Set(controllerRequests.map((r) => r.nonResourceURL).filter((u): u is string => u !== undefined)),
  ];
  controllerAccesses = controllerRequests.map(accessOf).filter((a): a is Access => a !== undefined);
}, 150_000);

afterAll(async () => {
  await world?.close();
});

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
    it('runs the release to the end', () => {
      if (scenarioError) throw scenarioError;
      expect(controllerAccesses.length).toBeGreaterThan(50);
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
  });
});
