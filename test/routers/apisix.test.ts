import { APISIX_GROUP, APISIX_VERSION } from '../../src/routers/apisix/index.js';
import { runRouterContract } from './contract.js';

const apiVersion = `${APISIX_GROUP}/${APISIX_VERSION}`;
const canaryRoute = {
  apiVersion,
  kind: 'ApisixRoute',
  plural: 'apisixroutes',
  name: 'podinfo-podinfo-canary',
};

runRouterContract({
  provider: 'apisix',
  async setup({ admin, namespace }) {
    // The user's ApisixRoute, as in Flagger's APISIX tutorial.
    await admin.custom.createNamespacedCustomObject({
      group: APISIX_GROUP,
      version: APISIX_VERSION,
      namespace,
      plural: 'apisixroutes',
      body: {
        apiVersion,
        kind: 'ApisixRoute',
        metadata: { name: 'podinfo', namespace, labels: { app: 'podinfo' } },
        spec: {
          http: [
            {
              name: 'method',
              match: { hosts: ['app.example.com'], methods: ['GET'], paths: ['/*'] },
              backends: [{ serviceName: 'podinfo', servicePort: 9898, resolveGranularity: 'service' }],
              plugins: [{ name: 'prometheus', enable: true, config: { disable: false, prefer_name: true } }],
            },
          ],
        },
      },
    });
    return {
      spec: { routeRef: { apiVersion, kind: 'ApisixRoute', name: 'podinfo' } },
      objects: [canaryRoute],
      weighted: canaryRoute,
    };
  },
});
