/**
 * A router measured through a running proxy: primary (v1) and canary (v2) sample apps behind their
 * Services, the proxy (Traefik, Skipper) reading the test's namespace from the dev cluster, the routing
 * objects a user writes by hand (a Gateway, an IngressRoute, an Ingress), and then, at each weight
 * step, the router's public setRoutes followed by traffic through the proxy whose split must match the
 * step within the binomial bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Canary, CanarySpec } from '../../src/api/types.js';
import type { TrafficRouter } from '../../src/engine/ports.js';
import { makeClients, type KubeClients } from '../../src/kube/client.js';
import { canaryFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import { testCluster, type TestCluster } from '../cluster/index.js';
import { storeCanary } from '../routers/contract.js';
import { startBackends, type Backends } from './backends.js';
import { countVersions, expectSplit } from './traffic.js';
import { waitFor } from './wait.js';

export const HOST = 'app.example.com';
const VERSIONS = { primary: 'v1', canary: 'v2' };
const STEPS = [0, 10, 30, 50, 100];
const PORT = 9898;

/** A proxy process serving the test's namespace. */
export interface RunningProxy {
  /** Port on 127.0.0.1 that takes the test's HTTP requests. */
  webPort: number;
  /** The primary and canary weights the proxy runs for route `<apex>`; undefined before it has one. */
  weights(namespace: string, apex: string): Promise<{ primary: number; canary: number } | undefined>;
  /** The proxy's own log, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface ThroughProxy {
  cluster: TestCluster;
  admin: KubeClients;
  namespace: string;
  proxy: RunningProxy;
  router: TrafficRouter;
  canary: Canary;
}

export interface ThroughProxyOptions {
  name: string;
  provider: NonNullable<CanarySpec['provider']>;
  /** Loopback addresses of the primary and the canary; distinct per test file. */
  addresses: [string, string];
  /** The apex Service too, pointing at the primary (as its selector does once the primary runs). */
  apexToPrimary?: boolean;
  proxy: (cluster: TestCluster, namespace: string) => Promise<RunningProxy>;
  /** What the user writes beside the Canary for the proxy to route to it (all in one kubectl apply). */
  objects: (namespace: string, webPort: number) => object[];
  service: (namespace: string) => Partial<CanarySpec['service']>;
  spec?: Partial<CanarySpec>;
  router: (clients: KubeClients) => TrafficRouter;
  /** Checks that run after reconcile and before the weight steps. */
  before?: (world: () => ThroughProxy) => void;
}

export function describeThroughProxy(options: ThroughProxyOptions): void {
  describe(options.name, () => {
    const cluster = testCluster();
    const admin = cluster.adminClients();
    let world: ThroughProxy | undefined;
    let namespace = '';
    let objects: object[] = [];
    let backends: Backends | undefined;
    let proxy: RunningProxy | undefined;
    const get = () => {
      if (!world) throw new Error(`${options.name}: set-up did not finish`);
      return world;
    };

    beforeAll(async () => {
      namespace = await cluster.newNamespace(`proxies-${options.provider.replace(/[^a-z]/g, '')}`);
      backends = await startBackends(cluster, namespace, PORT, [
        { service: 'podinfo-primary', version: VERSIONS.primary, address: options.addresses[0] },
        { service: 'podinfo-canary', version: VERSIONS.canary, address: options.addresses[1] },
        ...(options.apexToPrimary
          ? [{ service: 'podinfo', version: VERSIONS.primary, address: options.addresses[0] }]
          : []),
      ]);
      proxy = await options.proxy(cluster, namespace);
      objects = options.objects(namespace, proxy.webPort);
      const applied = await cluster.kubectl(['apply', '-f', '-'], {
        stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
      });
      if (applied.code !== 0) throw new Error(`creating the routing objects failed: ${applied.stderr}`);

      const router = options.router(makeClients(cluster.kubeConfig(await cluster.controllerKubeconfig())));
      const canary = await storeCanary(
        admin,
        canaryFor(namespace, 'podinfo', {
          ...options.spec,
          provider: options.provider,
          service: { port: PORT, ...options.service(namespace) },
          analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10 },
        }),
      );
      await router.reconcile(canary);
      world = { cluster, admin, namespace, proxy, router, canary };
      // A proxy build takes minutes on a machine without one in the component cache.
    }, 30 * 60_000);

    afterAll(async () => {
      await proxy?.stop();
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
        const { router, canary, proxy } = get();
        const routes = { primaryWeight: 100 - canaryWeight, canaryWeight, mirrored: false };
        await router.setRoutes(canary, routes);
        expect(await router.getRoutes(canary)).toEqual(routes);
        // A proxy applies a change asynchronously: wait (bounded) until its running configuration
        // holds these weights, then count.
        await waitFor(
          `the proxy to run weights ${routes.primaryWeight}/${canaryWeight}`,
          async () => {
            const weights = await proxy.weights(namespace, 'podinfo');
            return weights?.primary === routes.primaryWeight && weights.canary === canaryWeight
              ? weights
              : undefined;
          },
          proxy.log,
        );
        expectSplit(await countVersions(proxy.webPort, HOST), VERSIONS, canaryWeight);
        // The wait above may take up to 60 s.
      }, 90_000);
    }
  });
}
