/**
 * The Gateway API router measured through a real Gateway implementation: Traefik (the pinned version,
 * its kubernetesgateway provider reading the dev cluster) serves the Gateway, the router writes the
 * HTTPRoute through its public interface, and the split is counted from the versions that answer.
 */
import { expect, it } from 'vitest';
import { gatewayApiRouter, type HTTPRoute } from '../../src/routers/gateway-api/index.js';
import { describeThroughProxy, HOST } from './through-proxy.js';
import { countVersions } from './traffic.js';
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
  before: (world) => {
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
    });

    it('A/B by a header suffix: a value ending with it goes to the canary, any other to the primary', async () => {
      const { proxy, router, canary } = world();
      const ab = {
        ...canary,
        spec: {
          ...canary.spec,
          analysis: {
            ...canary.spec.analysis,
            match: [{ headers: { 'x-user-email': { suffix: '@example.com' } } }],
          },
        },
      };
      const byEmail = (email: string | undefined, n: number) =>
        countVersions(proxy.webPort, HOST, n, email === undefined ? {} : { 'x-user-email': email });
      await router.setRoutes(ab, { primaryWeight: 0, canaryWeight: 100, mirrored: false });
      // Traefik applies the HTTPRoute asynchronously: wait (bounded) until a matching request reaches v2.
      await waitFor(
        'Traefik to route x-user-email *@example.com to the canary',
        async () => ((await byEmail('ana@example.com', 1)).get('v2') === 1 ? true : undefined),
        proxy.log,
      );
      expect(Object.fromEntries(await byEmail('ana@example.com', 50))).toEqual({ v2: 50 });
      // The `.` is literal and the suffix ends the value.
      expect(Object.fromEntries(await byEmail('ana@example-com', 50))).toEqual({ v1: 50 });
      expect(Object.fromEntries(await byEmail('ana@example.com.evil', 50))).toEqual({ v1: 50 });
      expect(Object.fromEntries(await byEmail(undefined, 50))).toEqual({ v1: 50 });
      // Back to the plain Canary the weight steps below use.
      await router.setRoutes(canary, { primaryWeight: 100, canaryWeight: 0, mirrored: false });
      await waitFor(
        'Traefik to route x-user-email *@example.com to the primary again',
        async () => ((await byEmail('ana@example.com', 1)).get('v1') === 1 ? true : undefined),
        proxy.log,
      );
    }, 150_000);
  },
});
