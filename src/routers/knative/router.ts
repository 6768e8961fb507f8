/**
 * Knative: the split lives on the user's own Knative Service (targetRef), so nothing is created or
 * owned. Reconcile records the revision serving as the primary (status.latestCreatedRevisionName at the
 * first reconcile, as Flagger); setRoutes writes spec.traffic between the latest revision (the canary)
 * and that one, and verifies the server kept it. Weights only, as in Flagger.
 */
import type { Canary } from '../../api/types.js';
import { ALL_TO_CANARY, ALL_TO_PRIMARY, type Routes, type TrafficRouter } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import type { KubeClients } from '../../kube/client.js';
import { WEIGHTS_ONLY } from '../entry.js';
import { refuseUnsupported } from '../shared/capabilities.js';
import { verifyApplied } from '../shared/routing-object.js';
import { knativeServices, latestRevisionOf, primaryRevisionOf, withPrimaryRevision } from './service.js';
import { routesOfTraffic, trafficFor } from './traffic.js';
import { PRIMARY_REVISION } from './types.js';

export const KNATIVE_CAPABILITIES = WEIGHTS_ONLY;

export function knativeRouter(clients: KubeClients): TrafficRouter {
  const services = knativeServices(clients);

  async function apply(canary: Canary, routes: Routes): Promise<void> {
    const written = await services.update(canary, (service) => ({
      ...service,
      spec: { ...service.spec, traffic: trafficFor(primaryRevisionOf(service), routes) },
    }));
    verifyApplied(
      'Knative Service',
      written.metadata.name,
      routes,
      routesOfTraffic(primaryRevisionOf(written), written.spec.traffic),
    );
  }

  return {
    async reconcile(canary) {
      refuseUnsupported('knative', KNATIVE_CAPABILITIES, canary);
      await services.update(canary, (service) =>
        service.metadata.annotations?.[PRIMARY_REVISION]
          ? undefined
          : withPrimaryRevision(service, latestRevisionOf(service)),
      );
    },

    async setRoutes(canary, routes) {
      refuseUnsupported('knative', KNATIVE_CAPABILITIES, canary, routes);
      await apply(canary, routes);
    },

    async getRoutes(canary) {
      const service = await services.read(canary);
      const primary = primaryRevisionOf(service);
      // Without a traffic block Knative sends everything to the latest revision.
      if (!service.spec.traffic?.length)
        return service.status?.latestCreatedRevisionName === primary ? ALL_TO_PRIMARY : ALL_TO_CANARY;
      const routes = routesOfTraffic(
        primary,
        service.spec.traffic,
        service.status?.latestCreatedRevisionName,
      );
      if (!routes)
        throw new AviaryError(
          'ROUTE_NOT_APPLIED',
          `Knative Service ${service.metadata.name}: spec.traffic does not split between the latest revision and ${primary}`,
        );
      return routes;
    },

    async finalize(canary) {
      await apply(canary, ALL_TO_PRIMARY);
    },
  };
}
