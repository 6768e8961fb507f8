/**
 * Traefik: a weighted TraefikService `<apex>` the user's IngressRoute routes to. Weights only, as in
 * Flagger (no A/B match, mirror or session affinity: refused, never ignored).
 */
import type { TrafficRouter } from '../../engine/ports.js';
import type { KubeClients } from '../../kube/client.js';
import { WEIGHTS_ONLY } from '../entry.js';
import { apexObjectRouter } from '../shared/weighted-object-router.js';
import { buildTraefikServiceSpec, routesOfTraefikService } from './traefik-service.js';
import { TRAEFIK_GROUP, TRAEFIK_VERSION, type TraefikService, type TraefikServiceSpec } from './types.js';

export const TRAEFIK_CAPABILITIES = WEIGHTS_ONLY;

export function traefikRouter(clients: KubeClients): TrafficRouter {
  return apexObjectRouter<TraefikServiceSpec, TraefikService>(
    clients,
    { group: TRAEFIK_GROUP, version: TRAEFIK_VERSION, plural: 'traefikservices', kind: 'TraefikService' },
    {
      provider: 'traefik',
      capabilities: TRAEFIK_CAPABILITIES,
      build: (canary, routes) => ({ spec: buildTraefikServiceSpec(canary, routes) }),
      routesOf: (object, canary) => routesOfTraefikService(object.spec, canary),
    },
  );
}
