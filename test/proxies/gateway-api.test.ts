/**
 * The Gateway API router measured through a real Gateway implementation: Traefik (the pinned version,
 * its kubernetesgateway provider reading the dev cluster) serves the Gateway, the router writes the
 * HTTPRoute through its public interface, and the split is counted from the versions that answer.
 */
import { expect, it } from 'vitest';
import { gatewayApiRouter, type HTTPRoute } from '../../src/routers/gateway-api/index.js';
import { describeThroughProxy, HOST } from './through-proxy.js';
import { startTraefik } from './traefik.js';
import { waitFor } from './wait.js';

const CONTROLLER = 'traefik.io/gateway-controller';

describeThroughProxy({
  name: 'gatewayapi:v1 router through Traefik as the Gateway',
  provider: 'gatewayapi:v1',
  addresses: ['10.254.1.1', '10.254.1.2'],
  // This Traefik serves only its own GatewayClass (other runs may have Traefiks of their own).
  // This Traefik serves only its own GatewayClass (other runs may have Traefiks of their own).
  proxy: (cluster, namespace) =>
    startTraefik(cluster, {
      namespace,
      providers: { kubernetesgateway: { labelSelector: `aviary.dev/proxy-test=${namespace}` } },
    }),
  objects: (namespace, webPort) => [
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: `aviary-${namespace}`, labels: { 'aviary.dev/proxy-test': namespace } },
      spec: { controllerName: CONTROLLER },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'public', namespace },
      // Traefik binds a listener to the entry point with the same port.
      spec: {
        gatewayClassName: `aviary-${namespace}`,
        listeners: [{ name: 'web', protocol: 'HTTP', port: webPort }],
      },
    },
  ],
  service: (namespace) => ({ gatewayRefs: [{ name: 'public', namespace }], hosts: [HOST] }),
  router: (clients) => gatewayApiRouter(clients, 'v1'),
  before: (world) =>
    it('Traefik accepts the HTTPRoute the router wrote (status written by Traefik, read by getRoutes)', async () => {
      const { admin, namespace, proxy, router, canary } = world();
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
              p.controllerName === CONTROLLER &&
              p.conditions?.some((c) => c.type === 'Accepted' && c.status === 'True'),
          );
        },
        proxy.log,
      );
      expect(accepted.parentRef.name).toBe('public');
      expect(await router.getRoutes(canary)).toEqual({
        primaryWeight: 100,
        canaryWeight: 0,
        mirrored: false,
      });
    }),
});
