/**
 * Linkerd, OSM and SMI: one TrafficSplit `<apex>` between `<apex>-primary` and `<apex>-canary`.
 * Weights only — no A/B match, mirror or session affinity (refused, never ignored).
 */
import { serviceNames, namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import { ALL_TO_PRIMARY, type Routes, type TrafficRouter } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import type { KubeClients } from '../../kube/client.js';
import type { RouterCapabilities } from '../shared/capabilities.js';
import { refuseUnsupported } from '../shared/capabilities.js';
import { isOwnedBy } from '../shared/owner.js';
import {
  apexMetadata,
  customObjectApi,
  restoreTakenOver,
  routingObjectMissing,
  upsertOwned,
  verifyApplied,
} from '../shared/routing-object.js';
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
  const api = customObjectApi<TrafficSplit>(clients, {
    group: SMI_GROUP,
    version,
    plural: 'trafficsplits',
    kind: 'TrafficSplit',
  });

  async function apply(canary: Canary, routes: Routes): Promise<void> {
    const names = serviceNames(canary.spec);
    const written = await upsertOwned<TrafficSplitSpec, TrafficSplit>(
      api,
      canary,
      names.apex,
      (existing) => ({
        spec: buildTrafficSplitSpec(canary, routes, version),
        ...apexMetadata(canary, existing),
      }),
    );
    verifyApplied('TrafficSplit', names.apex, routes, routesOfTrafficSplit(written.spec, names.canary));
  }

  return {
    async reconcile(canary) {
      refuseUnsupported(provider, SMI_CAPABILITIES, canary);
      const names = serviceNames(canary.spec);
      await upsertOwned<TrafficSplitSpec, TrafficSplit>(api, canary, names.apex, (existing) => {
        // A reconcile keeps the live split: only a new object starts with everything on the primary.
        const owned = existing && isOwnedBy(existing.metadata.ownerReferences, canary);
        const current = owned ? routesOfTrafficSplit(existing.spec, names.canary) : undefined;
        return {
          spec: buildTrafficSplitSpec(canary, current ?? ALL_TO_PRIMARY, version),
          ...apexMetadata(canary, existing),
        };
      });
    },

    async setRoutes(canary, routes) {
      refuseUnsupported(provider, SMI_CAPABILITIES, canary, routes);
      await apply(canary, routes);
    },

    async getRoutes(canary) {
      const names = serviceNames(canary.spec);
      const split = await api.read(namespaceOf(canary), names.apex);
      if (!split) throw routingObjectMissing('TrafficSplit', canary, names.apex);
      const routes = routesOfTrafficSplit(split.spec, names.canary);
      if (!routes)
        throw new AviaryError(
          'ROUTE_NOT_APPLIED',
          `TrafficSplit ${names.apex} has a backend weight that is not a number or quantity: ${JSON.stringify(split.spec.backends)}`,
        );
      return routes;
    },

    async finalize(canary) {
      const names = serviceNames(canary.spec);
      const split = await api.read(namespaceOf(canary), names.apex);
      if (!split || (await restoreTakenOver<TrafficSplitSpec, TrafficSplit>(api, split))) return;
      await apply(canary, ALL_TO_PRIMARY);
    },
  };
}
