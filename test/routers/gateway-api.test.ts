import { describe, expect, it } from 'vitest';
import type { AviaryError } from '../../src/errors.js';
import { makeClients } from '../../src/kube/client.js';
import { gatewayApiRouter, type HTTPRoute } from '../../src/routers/gateway-api/index.js';
import { canaryFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import { startFakeApiServer } from '../harness/index.js';
import { runRouterContract } from './contract.js';

const httpRoute = { resource: 'httproutes.gateway.networking.k8s.io', name: 'podinfo' };

for (const version of ['v1', 'v1beta1'] as const) {
  runRouterContract({
    name: `gatewayapi:${version}`,
    provider: `gatewayapi:${version}`,
    capabilities: { match: true, mirror: true, sessionAffinity: true },
    crdFiles: ['test/fixtures/crds/gateway-api-httproutes.yaml'],
    router: (clients) => gatewayApiRouter(clients, version),
    setup: () => ({
      spec: {
        service: {
          port: 9898,
          gatewayRefs: [{ name: 'public', namespace: 'gateway-system' }],
          hosts: ['app.example.com'],
        },
      },
      objects: [httpRoute],
      weighted: httpRoute,
    }),
  });
}

describe('gatewayapi: a route its Gateway does not accept', () => {
  it('fails getRoutes and is explained by diagnose', async () => {
    const server = await startFakeApiServer({ crdFiles: ['test/fixtures/crds/gateway-api-httproutes.yaml'] });
    try {
      const clients = makeClients(server.kubeConfig());
      const router = gatewayApiRouter(clients, 'v1');
      const canary = canaryFor('default', 'podinfo', {
        provider: 'gatewayapi:v1',
        service: { port: 9898, gatewayRefs: [{ name: 'public', namespace: 'gateway-system' }] },
        analysis: {
          interval: '1m',
          threshold: 5,
          maxWeight: 50,
          stepWeight: 10,
          match: [{ headers: { 'x-canary': { regex: '^in.*' } } }],
        },
      });
      await router.reconcile(canary);
      await router.setRoutes(canary, { primaryWeight: 0, canaryWeight: 100, mirrored: false });
      const stored = server.get(
        'httproutes.gateway.networking.k8s.io',
        'default',
        'podinfo',
      ) as unknown as HTTPRoute;
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

      await clients.custom.replaceNamespacedCustomObjectStatus({
        group: 'gateway.networking.k8s.io',
        version: 'v1',
        namespace: 'default',
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
                    message: 'no listener allows routes from default',
                    observedGeneration: 2,
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
        'service.gatewayRefs: parent Gateway gateway-system/public reports Accepted=False (NotAllowedByListeners): no listener allows routes from default',
      ]);
    } finally {
      await server.close();
    }
  });
});
