import { GLOO_GATEWAY_GROUP, GLOO_GROUP, GLOO_VERSION } from '../../src/routers/gloo/index.js';
import { runRouterContract } from './contract.js';

const routeTable = {
  apiVersion: `${GLOO_GATEWAY_GROUP}/${GLOO_VERSION}`,
  kind: 'RouteTable',
  plural: 'routetables',
  name: 'podinfo',
};
const upstream = (name: string) => ({
  apiVersion: `${GLOO_GROUP}/${GLOO_VERSION}`,
  kind: 'Upstream',
  plural: 'upstreams',
  name,
});

runRouterContract({
  provider: 'gloo',
  async setup({ admin, namespace }) {
    // The Services the controller puts in front of the router (withServices), which the Upstreams select.
    for (const role of ['primary', 'canary'])
      await admin.core.createNamespacedService({
        namespace,
        body: {
          metadata: { name: `podinfo-${role}`, namespace },
          spec: { selector: { app: `podinfo-${role}` }, ports: [{ name: 'http', port: 9898 }] },
        },
      });
    // Settings the Canary's upstreamRef names, copied onto both Upstreams.
    await admin.custom.createNamespacedCustomObject({
      group: GLOO_GROUP,
      version: GLOO_VERSION,
      namespace,
      plural: 'upstreams',
      body: {
        apiVersion: `${GLOO_GROUP}/${GLOO_VERSION}`,
        kind: 'Upstream',
        metadata: { name: 'podinfo-config', namespace },
        spec: { loadBalancerConfig: { roundRobin: {} }, connectionConfig: { maxRequestsPerConnection: 10 } },
      },
    });
    return {
      spec: {
        upstreamRef: { apiVersion: 'gloo.solo.io/v1', kind: 'Upstream', name: 'podinfo-config', namespace },
      },
      objects: [
        routeTable,
        upstream(`${namespace}-podinfo-primaryupstream-9898`),
        upstream(`${namespace}-podinfo-canaryupstream-9898`),
      ],
      weighted: routeTable,
    };
  },
});
