/**
 * The Gateway API router measured through a real Gateway implementation: Traefik (the pinned version,
 * its kubernetesgateway provider reading the dev cluster) serves the Gateway, the router writes the
 * HTTPRoute through its public interface, and the split is counted from the versions that answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Canary } from '../../src/api/types.js';
import type { TrafficRouter } from '../../src/engine/ports.js';
import { makeClients } from '../../src/kube/client.js';
import { gatewayApiRouter, type HTTPRoute } from '../../src/routers/gateway-api/index.js';
import { canaryFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import { testCluster } from '../cluster/index.js';
import { storeCanary } from '../routers/contract.js';
import { startBackends, type Backends } from './backends.js';
import { waitFor } from './wait.js';
import { startTraefik, type RunningTraefik } from './traefik.js';
import { countVersions, expectSplit } from './traffic.js';
import { weightsOf } from './weights.js';

const HOST = 'app.example.com';
const VERSIONS = { primary: 'v1', canary: 'v2' };
const STEPS = [0, 10, 30, 50, 100];

describe('gatewayapi:v1 router through Traefik as the Gateway', () => {
  const cluster = testCluster();
  const admin = cluster.adminClients();
  let namespace = '';
  let gatewayClass = '';
  let backends: Backends | undefined;
  let traefik: RunningTraefik | undefined;
  let router: TrafficRouter;
  let canary: Canary;

  beforeAll(async () => {
    namespace = await cluster.newNamespace('proxies-gatewayapi');
    gatewayClass = `aviary-${namespace}`;
    backends = await startBackends(cluster, namespace, 9898, [
      { service: 'podinfo-primary', version: VERSIONS.primary, address: '10.254.1.1' },
      { service: 'podinfo-canary', version: VERSIONS.canary, address: '10.254.1.2' },
    ]);
    // This Traefik serves only its own GatewayClass (other runs may have Traefiks of their own).
    traefik = await startTraefik(cluster, {
      namespace,
      providers: { kubernetesgateway: { labelSelector: `aviary.dev/proxy-test=${namespace}` } },
    });
    const gateway = await cluster.kubectl(['apply', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'gateway.networking.k8s.io/v1',
            kind: 'GatewayClass',
            metadata: { name: gatewayClass, labels: { 'aviary.dev/proxy-test': namespace } },
            spec: { controllerName: 'traefik.io/gateway-controller' },
          },
          {
            apiVersion: 'gateway.networking.k8s.io/v1',
            kind: 'Gateway',
            metadata: { name: 'public', namespace },
            // Traefik binds a listener to the entry point with the same port.
            spec: {
              gatewayClassName: gatewayClass,
              listeners: [{ name: 'web', protocol: 'HTTP', port: traefik.webPort }],
            },
          },
        ],
      }),
    });
    if (gateway.code !== 0) throw new Error(`creating the Gateway failed: ${gateway.stderr}`);

    router = gatewayApiRouter(makeClients(cluster.kubeConfig(await cluster.controllerKubeconfig())), 'v1');
    canary = await storeCanary(
      admin,
      canaryFor(namespace, 'podinfo', {
        provider: 'gatewayapi:v1',
        service: { port: 9898, gatewayRefs: [{ name: 'public', namespace }], hosts: [HOST] },
        analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10 },
      }),
    );
    await router.reconcile(canary);
  }, 30 * 60_000);

  afterAll(async () => {
    await traefik?.stop();
    await backends?.close();
    if (gatewayClass) await cluster.kubectl(['delete', 'gatewayclass', gatewayClass, '--ignore-not-found']);
    if (namespace) await cluster.deleteNamespace(namespace);
  });

  it('Traefik accepts the HTTPRoute the router wrote (status written by Traefik, read by getRoutes)', async () => {
    const accepted = await waitFor(
      'Traefik to accept HTTPRoute podinfo',
      async () => {
        const route = (await admin.custom.getNamespacedCustomObject({
          group: 'gateway.networking.k8s.io',
          version: 'v1',
          namespace,
          plural: 'httproutes',
          name: 'podinfo',
        })) as HTTPRoute;
        return route.status?.parents?.find(
          (p) =>
            p.controllerName === 'traefik.io/gateway-controller' &&
            p.conditions?.some((c) => c.type === 'Accepted' && c.status === 'True'),
        );
      },
      traefik!.log,
    );
    expect(accepted.parentRef.name).toBe('public');
    expect(await router.getRoutes(canary)).toEqual({ primaryWeight: 100, canaryWeight: 0, mirrored: false });
  });

  for (const canaryWeight of STEPS) {
    it(`sends ${canaryWeight}% of requests to the canary after setRoutes(${100 - canaryWeight}/${canaryWeight})`, async () => {
      const routes = { primaryWeight: 100 - canaryWeight, canaryWeight, mirrored: false };
      await router.setRoutes(canary, routes);
      expect(await router.getRoutes(canary)).toEqual(routes);
      await waitFor(
        `Traefik to run weights ${routes.primaryWeight}/${canaryWeight}`,
        async () => {
          const weights = weightsOf(await traefik!.weightedServices(), namespace, 'podinfo');
          return weights?.primary === routes.primaryWeight && weights.canary === canaryWeight
            ? weights
            : undefined;
        },
        traefik!.log,
      );
      expectSplit(await countVersions(traefik!.webPort, HOST), VERSIONS, canaryWeight);
    });
  }
});
