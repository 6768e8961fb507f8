import { afterAll, describe, expect, it } from 'vitest';
import type { AviaryError } from '../../src/errors.js';
import { makeClients } from '../../src/kube/client.js';
import { gatewayApiRouter, type HTTPRoute } from '../../src/routers/gateway-api/index.js';
import { canaryFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import { testCluster } from '../cluster/index.js';
import { runRouterContract, storeCanary } from './contract.js';
import { mustRead } from './live-object.js';

const httpRoute = (version: string) => ({
  apiVersion: `gateway.networking.k8s.io/${version}`,
  kind: 'HTTPRoute',
  plural: 'httproutes',
  name: 'podinfo',
});

for (const provider of ['gatewayapi:v1', 'gatewayapi:v1beta1'] as const) {
  const version = provider === 'gatewayapi:v1' ? 'v1' : 'v1beta1';
  runRouterContract({
    provider,
    setup: () => ({
      spec: {
        service: {
          port: 9898,
          gatewayRefs: [{ name: 'public', namespace: 'gateway-system' }],
          hosts: ['app.example.com'],
        },
      },
      objects: [httpRoute(version)],
      weighted: httpRoute(version),
    }),
  });
}

describe('gatewayapi: a route its Gateway does not accept', () => {
  const cluster = testCluster();
  const admin = cluster.adminClients();
  let namespace = '';
  afterAll(async () => {
    if (namespace) await cluster.deleteNamespace(namespace);
  });

  it('fails getRoutes and is explained by diagnose', async () => {
    namespace = await cluster.newNamespace('routers-gatewayapi-rejected');
    const controller = makeClients(cluster.kubeConfig(await cluster.controllerKubeconfig()));
    const router = gatewayApiRouter(controller, 'v1');
    const canary = await storeCanary(
      admin,
      canaryFor(namespace, 'podinfo', {
        provider: 'gatewayapi:v1',
        service: { port: 9898, gatewayRefs: [{ name: 'public', namespace: 'gateway-system' }] },
        analysis: {
          interval: '1m',
          threshold: 5,
          maxWeight: 50,
          stepWeight: 10,
          match: [{ headers: { 'x-canary': { regex: '^in.*' } } }],
        },
      }),
    );
    await router.reconcile(canary);
    await router.setRoutes(canary, { primaryWeight: 0, canaryWeight: 100, mirrored: false });
    const stored = (await mustRead(admin.config, namespace, httpRoute('v1'))) as unknown as HTTPRoute;
    expect(stored.spec.rules[0]?.matches).toEqual([
      {
        path: { type: 'PathPrefix', value: '/' },
        headers: [{ type: 'RegularExpression', name: 'x-canary', value: '^in.*' }],
      },
    ]);
    expect(stored.spec.rules[1]?.backendRefs.map((b) => [b.name, b.weight])).toEqual([
      ['podinfo-primary', 100],
      ['podinfo-canary', 0],
    ]);
    expect(await router.diagnose!(canary)).toEqual([]);

    // What the Gateway's controller writes when its listeners refuse the route (none runs here: the
    // test writes the status subresource as that controller would).
    await admin.custom.replaceNamespacedCustomObjectStatus({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      namespace,
      plural: 'httproutes',
      name: 'podinfo',
      body: {
        ...stored,
        status: {
          parents: [
            {
              parentRef: {
                group: 'gateway.networking.k8s.io',
                kind: 'Gateway',
                namespace: 'gateway-system',
                name: 'public',
              },
              controllerName: 'example.com/gateway',
              conditions: [
                {
                  type: 'Accepted',
                  status: 'False',
                  reason: 'NotAllowedByListeners',
                  message: `no listener allows routes from ${namespace}`,
                  observedGeneration: stored.metadata.generation ?? 1,
                  lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
                },
              ],
            },
          ],
        },
      },
    });
    const err = (await router.getRoutes(canary).catch((e: unknown) => e)) as AviaryError;
    expect(err.code).toBe('ROUTE_NOT_APPLIED');
    expect(err.message).toContain('Accepted=False (NotAllowedByListeners)');
    expect(await router.diagnose!(canary)).toEqual([
      `service.gatewayRefs: parent Gateway gateway-system/public reports Accepted=False (NotAllowedByListeners): no listener allows routes from ${namespace}`,
    ]);
  });
});

describe('gatewayapi: corsPolicy as the CORS filter the real HTTPRoute CRD (v1.6.3, standard) accepts', () => {
  const cluster = testCluster();
  const admin = cluster.adminClients();
  const namespaces: string[] = [];
  afterAll(async () => {
    for (const ns of namespaces) await cluster.deleteNamespace(ns);
  });

  for (const version of ['v1', 'v1beta1'] as const) {
    it(`writes it on ${version} and reads it back as written`, async () => {
      const ns = await cluster.newNamespace(`routers-gatewayapi-cors-${version}`);
      namespaces.push(ns);
      const controller = makeClients(cluster.kubeConfig(await cluster.controllerKubeconfig()));
      const canary = await storeCanary(
        admin,
        canaryFor(ns, 'podinfo', {
          provider: `gatewayapi:${version}`,
          service: {
            port: 9898,
            gatewayRefs: [{ name: 'public', namespace: 'gateway-system' }],
            corsPolicy: {
              allowOrigin: ['https://shop.example.com'],
              allowMethods: ['GET', 'post'],
              allowHeaders: ['x-user'],
              exposeHeaders: ['x-trace'],
              allowCredentials: true,
              maxAge: '1h',
            },
          },
          analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10 },
        }),
      );
      await gatewayApiRouter(controller, version).reconcile(canary);
      const route = (await mustRead(admin.config, ns, httpRoute(version))) as unknown as HTTPRoute;
      expect(route.spec.rules?.[0]?.filters).toEqual([
        {
          type: 'CORS',
          cors: {
            allowOrigins: ['https://shop.example.com'],
            allowMethods: ['GET', 'POST'],
            allowHeaders: ['x-user'],
            exposeHeaders: ['x-trace'],
            allowCredentials: true,
            maxAge: 3600,
          },
        },
      ]);
    });
  }
});
