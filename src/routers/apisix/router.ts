/**
 * Apache APISIX: the canary ApisixRoute `<routeRef.name>-<apex>-canary` beside the user's ApisixRoute.
 * Weights only, as in Flagger (no A/B match, mirror or session affinity: refused).
 */
import type { TrafficRouter } from '../../engine/ports.js';
import type { KubeClients } from '../../kube/client.js';
import { WEIGHTS_ONLY } from '../entry.js';
import { GITOPS_ANNOTATIONS } from '../shared/gitops.js';
import { customObjectApi } from '../shared/routing-object.js';
import { readUserObject } from '../shared/user-ref.js';
import { weightedObjectRouter } from '../shared/weighted-object-router.js';
import { apisixCanaryRouteName, apisixCanaryRouteSpec, routesOfApisixRoute } from './canary-route.js';
import { APISIX_GROUP, APISIX_VERSION, type ApisixRoute, type ApisixRouteSpec } from './types.js';

export const APISIX_CAPABILITIES = WEIGHTS_ONLY;

export function apisixRouter(clients: KubeClients): TrafficRouter {
  const api = customObjectApi<ApisixRoute>(clients, {
    group: APISIX_GROUP,
    version: APISIX_VERSION,
    plural: 'apisixroutes',
    kind: 'ApisixRoute',
  });

  return weightedObjectRouter<ApisixRouteSpec, ApisixRoute>({
    provider: 'apisix',
    capabilities: APISIX_CAPABILITIES,
    api,
    name: apisixCanaryRouteName,
    async build(canary, routes) {
      const user = await readUserObject(api, canary, 'routeRef', 'apisix');
      return {
        spec: apisixCanaryRouteSpec(canary, routes, user.spec),
        labels: { ...user.metadata.labels },
        annotations: { ...user.metadata.annotations, ...GITOPS_ANNOTATIONS },
      };
    },
    routesOf: (route, canary) => routesOfApisixRoute(canary, route.spec),
  });
}
