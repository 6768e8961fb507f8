/**
 * Kuma: the MeshHTTPRoute `<apex>` in the Canary's namespace. Weights only, as Flagger's Kuma router
 * (no A/B match, mirror or session affinity: refused, never ignored).
 */
import type { TrafficRouter } from '../../engine/ports.js';
import type { KubeClients } from '../../kube/client.js';
import { WEIGHTS_ONLY } from '../entry.js';
import { apexMetadata } from '../shared/routing-object.js';
import { apexObjectRouter } from '../shared/weighted-object-router.js';
import { buildMeshHTTPRouteSpec, meshOf, routesOfMeshHTTPRoute } from './mesh-http-route.js';
import { KUMA_GROUP, KUMA_VERSION, MESH_LABEL, type MeshHTTPRoute, type MeshHTTPRouteSpec } from './types.js';

export const KUMA_CAPABILITIES = WEIGHTS_ONLY;

export function kumaRouter(clients: KubeClients): TrafficRouter {
  return apexObjectRouter<MeshHTTPRouteSpec, MeshHTTPRoute>(
    clients,
    { group: KUMA_GROUP, version: KUMA_VERSION, plural: 'meshhttproutes', kind: 'MeshHTTPRoute' },
    {
      provider: 'kuma',
      capabilities: KUMA_CAPABILITIES,
      build(canary, routes, existing) {
        const metadata = apexMetadata(canary, existing);
        return {
          spec: buildMeshHTTPRouteSpec(canary, routes),
          labels: { ...metadata.labels, [MESH_LABEL]: meshOf(canary) },
          annotations: metadata.annotations,
        };
      },
      routesOf: (route, canary) => routesOfMeshHTTPRoute(canary, route.spec),
    },
  );
}
