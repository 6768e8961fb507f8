/**
 * Linkerd, OSM and SMI: one TrafficSplit `<apex>` between `<apex>-primary` and `<apex>-canary`.
 * Weights only — no A/B match, mirror or session affinity (refused, never ignored).
 */
import { serviceNames } from '../../api/defaults.js';
import type { TrafficRouter } from '../../engine/ports.js';
import type { KubeClients } from '../../kube/client.js';
import type { RouterCapabilities } from '../shared/capabilities.js';
import { apexObjectRouter } from '../shared/weighted-object-router.js';
import { buildTrafficSplitSpec, routesOfTrafficSplit } from './traffic-split.js';
import { SMI_GROUP, type SmiVersion, type TrafficSplit, type TrafficSplitSpec } from './types.js';

export const SMI_CAPABILITIES: RouterCapabilities = { match: false, mirror: false, sessionAffinity: false };

/** The TrafficSplit version each provider writes (Flagger's factory: linkerd -> v1alpha1, osm -> v1alpha2). */
export const SMI_VERSION_OF = {
  linkerd: 'v1alpha1',
  'smi:v1alpha1': 'v1alpha1',
  'smi:v1alpha2': 'v1alpha2',
  'smi:v1alpha3': 'v1alpha3',
  osm: 'v1alpha2',
} as const satisfies Record<string, SmiVersion>;

export type SmiProvider = keyof typeof SMI_VERSION_OF;

export function smiRouter(clients: KubeClients, provider: SmiProvider = 'linkerd'): TrafficRouter {
  const version = SMI_VERSION_OF[provider];
  const type = { group: SMI_GROUP, version, plural: 'trafficsplits', kind: 'TrafficSplit' };
  return apexObjectRouter<TrafficSplitSpec, TrafficSplit>(clients, type, {
    provider,
    capabilities: SMI_CAPABILITIES,
    build: (canary, routes) => ({ spec: buildTrafficSplitSpec(canary, routes, version) }),
    routesOf: (split, canary) => routesOfTrafficSplit(split.spec, serviceNames(canary.spec).canary),
    noSplit: (split) =>
      `has a backend weight that is not a number or quantity: ${JSON.stringify(split.spec.backends)}`,
  });
}
