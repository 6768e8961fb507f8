/**
 * A router measured through a running Traefik: primary (v1) and canary (v2) sample apps behind their
 * Services, a Traefik reading the test's namespace, the routing objects a user writes by hand (a
 * Gateway, an IngressRoute), and then, at each weight step, the router's public setRoutes followed by
 * traffic through Traefik's entry point whose split must match the step within the binomial bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Canary, CanarySpec } from '../../src/api/types.js';
import type { TrafficRouter } from '../../src/engine/ports.js';
import { makeClients, type KubeClients } from '../../src/kube/client.js';
import { canaryFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import { testCluster, type TestCluster } from '../cluster/index.js';
import { storeCanary } from '../routers/contract.js';
import { startBackends, type Backends } from './backends.js';
import { startTraefik, type RunningTraefik, type TraefikOptions } from './traefik.js';
import { countVersions, expectSplit } from './traffic.js';
import { waitFor } from './wait.js';
import { weightsOf } from './weights.js';

export const HOST = 'app.example.com';
const VERSIONS = { primary: 'v1', canary: 'v2' };
const STEPS = [0, 10, 30, 50, 100];
const PORT = 9898;

export interface ThroughTraefik {
  cluster: TestCluster;
  admin: KubeClients;
  namespace: string;
  traefik: RunningTraefik;
  router: TrafficRouter;
  canary: Canary;
}

export interface ThroughTraefikOptions {
  name: string;
  provider: NonNullable<CanarySpec['provider']>;
  /** Loopback addresses of the primary and the canary; distinct per test file. */
  addresses: [string, string];
  providers: (namespace: string) => TraefikOptions['providers'];
  /** What the user writes beside the Canary for Traefik to route to it (all in one kubectl apply). */
  objects: (namespace: string, webPort: number) => object[];
  service: (namespace: string) => Partial<CanarySpec['service']>;
  router: (clients: KubeClients) => TrafficRouter;
  /** Checks that run after reconcile and before the weight steps. */
  before?: (world: () => ThroughTraefik) => void;
}

export function describeThroughTraefik(options: ThroughTraefikOptions): void {
  describe(options.name, () => {
    const cluster = testCluster();
    const admin = cluster.adminClients();
    let world: ThroughTraefik | undefined;
    let namespace = '';
    let objects: object[] = [];
    let backends: Backends | undefined;
    let traefik: RunningTraefik | undefined;
    const get = () => {
      if (!world) throw new Error(`${options.name}: set-up did not finish`);
      return world;
    };

    beforeAll(async () => {
      namespace = await cluster.newNamespace(`proxies-${options.provider.replace(/[^a-z]/g, '')}`);
      backends = await startBackends(cluster, namespace, PORT, [
        { service: 'podinfo-primary', version: VERSIONS.primary, address: options.addresses[0] },
        { service: 'podinfo-canary', version: VERSIONS.canary, address: options.addresses[1] },
      ]);
      traefik = await startTraefik(cluster, { namespace, providers: options.providers(namespace) });
      objects = options.objects(namespace, traefik.webPort);
      const applied = await cluster.kubectl(['apply', '-f', '-'], {
        stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
      });
      if (applied.code !== 0) throw new Error(`creating the routing objects failed: ${applied.stderr}`);

      const router = options.router(makeClients(cluster.kubeConfig(await cluster.controllerKubeconfig())));
      const canary = await storeCanary(
        admin,
        canaryFor(namespace, 'podinfo', {
          provider: options.provider,
          service: { port: PORT, ...options.service(namespace) },
          analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10 },
        }),
      );
      await router.reconcile(canary);
      world = { cluster, admin, namespace, traefik, router, canary };
      // A Traefik build takes minutes on a machine without one in the component cache.
    }, 30 * 60_000);

    afterAll(async () => {
      await traefik?.stop();
      await backends?.close();
      // Cluster-scoped objects (a GatewayClass) do not go with the namespace.
      if (objects.length)
        await cluster.kubectl(['delete', '--ignore-not-found', '-f', '-'], {
          stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
        });
      if (namespace) await cluster.deleteNamespace(namespace);
    });

    options.before?.(get);

    for (const canaryWeight of STEPS) {
      it(`sends ${canaryWeight}% of requests to the canary after setRoutes(${100 - canaryWeight}/${canaryWeight})`, async () => {
        const { router, canary, traefik } = get();
        const routes = { primaryWeight: 100 - canaryWeight, canaryWeight, mirrored: false };
        await router.setRoutes(canary, routes);
        expect(await router.getRoutes(canary)).toEqual(routes);
        // Traefik applies a change asynchronously: wait (bounded) until its running configuration
        // holds these weights, then count.
        await waitFor(
          `Traefik to run weights ${routes.primaryWeight}/${canaryWeight}`,
          async () => {
            const weights = weightsOf(
              await traefik.weightedServices(),
              canary.metadata.namespace!,
              'podinfo',
            );
            return weights?.primary === routes.primaryWeight && weights.canary === canaryWeight
              ? weights
              : undefined;
          },
          traefik.log,
        );
        expectSplit(await countVersions(traefik.webPort, HOST), VERSIONS, canaryWeight);
      });
    }
  });
}
