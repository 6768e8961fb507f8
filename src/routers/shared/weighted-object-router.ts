/**
 * A router whose whole state is one custom object holding the split (Traefik's TraefikService, Kuma's
 * TrafficRoute, APISIX's canary ApisixRoute, ...): reconcile creates it with all traffic on the primary
 * and afterwards keeps the live split, setRoutes writes and verifies the read-back, getRoutes reads the
 * live object, finalize gives a taken-over object back or routes everything to the primary.
 */
import type { Canary } from '../../api/types.js';
import { ALL_TO_PRIMARY, type Routes, type TrafficRouter } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import { refuseUnsupported, type RouterCapabilities } from './capabilities.js';
import { isOwnedBy } from '../../kube/owner.js';
import { serviceNames } from '../../api/defaults.js';
import type { KubeClients } from '../../kube/client.js';
import {
  apexMetadata,
  customObjectApi,
  restoreTakenOver,
  type Desired,
  routingObjectMissing,
  upsertOwned,
  verifyApplied,
  type ObjectApi,
  type RoutingObject,
} from './routing-object.js';
import { namespaceOf } from '../../api/defaults.js';

export interface WeightedObject<Spec, T extends RoutingObject<Spec> = RoutingObject<Spec>> {
  /** spec.provider, for refusals. */
  provider: string;
  capabilities: RouterCapabilities;
  api: ObjectApi<T>;
  /** The object's name for this Canary. */
  name(canary: Canary): string;
  /**
   * The object for a split: its spec and, when given, full label and annotation maps (default: the
   * live ones with service.apex's over them). `existing` is the live object, when there is one.
   */
  build(canary: Canary, routes: Routes, existing: T | undefined): Promise<Desired<Spec>> | Desired<Spec>;
  /** The split the object holds, or undefined when it holds none Aviary can read. */
  routesOf(object: T, canary: Canary): Routes | undefined;
  /** Why routesOf read no split from the object, when the kind can say more than "none". */
  noSplit?(object: T): string;
}

export function weightedObjectRouter<Spec, T extends RoutingObject<Spec>>(
  object: WeightedObject<Spec, T>,
): TrafficRouter {
  const { api } = object;
  const read = (canary: Canary) => api.read(namespaceOf(canary), object.name(canary));

  async function write(canary: Canary, routes: (existing: T | undefined) => Routes): Promise<T> {
    const name = object.name(canary);
    const current = await read(canary);
    const desired = await object.build(canary, routes(current), current);
    return upsertOwned<Spec, T>(api, canary, name, (existing) => ({
      ...apexMetadata(canary, existing),
      ...desired,
    }));
  }

  async function apply(canary: Canary, routes: Routes): Promise<void> {
    const written = await write(canary, () => routes);
    verifyApplied(api.kind, object.name(canary), routes, object.routesOf(written, canary));
  }

  return {
    async reconcile(canary) {
      refuseUnsupported(object.provider, object.capabilities, canary);
      // A reconcile keeps the live split: only a new (or taken-over) object starts on the primary.
      await write(canary, (existing) =>
        existing && isOwnedBy(existing.metadata.ownerReferences, canary)
          ? (object.routesOf(existing, canary) ?? ALL_TO_PRIMARY)
          : ALL_TO_PRIMARY,
      );
    },

    async setRoutes(canary, routes) {
      refuseUnsupported(object.provider, object.capabilities, canary, routes);
      await apply(canary, routes);
    },

    async getRoutes(canary) {
      const live = await read(canary);
      if (!live) throw routingObjectMissing(api.kind, canary, object.name(canary));
      const routes = object.routesOf(live, canary);
      if (!routes)
        throw new AviaryError(
          'ROUTE_NOT_APPLIED',
          `${api.kind} ${object.name(canary)} ${object.noSplit?.(live) ?? 'holds no split between the primary and the canary'}`,
        );
      return routes;
    },

    async finalize(canary) {
      const live = await read(canary);
      if (!live || (await restoreTakenOver<Spec, T>(api, live))) return;
      await apply(canary, ALL_TO_PRIMARY);
    },
  };
}

/** The common case: one custom object named `<apex>` in the Canary's namespace. */
export function apexObjectRouter<Spec, T extends RoutingObject<Spec>>(
  clients: KubeClients,
  type: Parameters<typeof customObjectApi>[1],
  object: Omit<WeightedObject<Spec, T>, 'api' | 'name'>,
): TrafficRouter {
  return weightedObjectRouter<Spec, T>({
    ...object,
    api: customObjectApi<T>(clients, type),
    name: (canary) => serviceNames(canary.spec).apex,
  });
}
