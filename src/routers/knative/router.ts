/**
 * Knative: the split lives on the user's own Knative Service (targetRef), so nothing is created or
 * owned. Reconcile records the revision serving as the primary (status.latestCreatedRevisionName at the
 * first reconcile, as Flagger); setRoutes writes spec.traffic between the latest revision (the canary)
 * and that one, and verifies the server kept it. Weights only, as in Flagger.
 */
import type { Canary } from '../../api/types.js';
import { namespaceOf } from '../../api/defaults.js';
import { ALL_TO_CANARY, ALL_TO_PRIMARY, type Routes, type TrafficRouter } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import type { KubeClients } from '../../kube/client.js';
import { retryOnConflict, toKubeError } from '../../kube/failure.js';
import { WEIGHTS_ONLY } from '../entry.js';
import { refuseUnsupported } from '../shared/capabilities.js';
import { customObjectApi, verifyApplied } from '../shared/routing-object.js';
import { routesOfTraffic, trafficFor } from './traffic.js';
import { KNATIVE_GROUP, KNATIVE_VERSION, PRIMARY_REVISION, type KnativeService } from './types.js';

export const KNATIVE_CAPABILITIES = WEIGHTS_ONLY;

export function knativeRouter(clients: KubeClients): TrafficRouter {
  const api = customObjectApi<KnativeService>(clients, {
    group: KNATIVE_GROUP,
    version: KNATIVE_VERSION,
    plural: 'services',
    kind: 'Service',
  });

  async function read(canary: Canary): Promise<KnativeService> {
    const name = canary.spec.targetRef.name;
    const service = await api.read(namespaceOf(canary), name);
    if (!service)
      throw new AviaryError(
        'NOT_FOUND',
        `Knative Service ${name} named by spec.targetRef not found in ${namespaceOf(canary)}`,
      );
    return service;
  }

  function primaryOf(service: KnativeService): string {
    const revision = service.metadata.annotations?.[PRIMARY_REVISION];
    if (!revision)
      throw new AviaryError(
        'ROUTE_NOT_APPLIED',
        `Knative Service ${service.metadata.name} has no ${PRIMARY_REVISION} annotation — the Canary has not been initialized`,
      );
    return revision;
  }

  /** Replaces the Service after `change`, retried on a conflict with Knative's own writes. */
  async function update(canary: Canary, change: (service: KnativeService) => KnativeService | undefined) {
    try {
      return await retryOnConflict(async () => {
        const current = await read(canary);
        const next = change(current);
        return next ? await api.replace(namespaceOf(canary), current.metadata.name, next) : current;
      });
    } catch (err) {
      if (err instanceof AviaryError) throw err;
      throw toKubeError(err, `writing Knative Service ${namespaceOf(canary)}/${canary.spec.targetRef.name}`);
    }
  }

  async function apply(canary: Canary, routes: Routes): Promise<void> {
    const written = await update(canary, (service) => ({
      ...service,
      spec: { ...service.spec, traffic: trafficFor(primaryOf(service), routes) },
    }));
    verifyApplied(
      'Knative Service',
      written.metadata.name,
      routes,
      routesOfTraffic(primaryOf(written), written.spec.traffic),
    );
  }

  return {
    async reconcile(canary) {
      refuseUnsupported('knative', KNATIVE_CAPABILITIES, canary);
      await update(canary, (service) => {
        if (service.metadata.annotations?.[PRIMARY_REVISION]) return undefined;
        const revision = service.status?.latestCreatedRevisionName;
        if (!revision)
          throw new AviaryError(
            'UNAVAILABLE',
            `Knative Service ${service.metadata.name} has no revision yet (status.latestCreatedRevisionName) — is Knative Serving running?`,
          );
        return {
          ...service,
          metadata: {
            ...service.metadata,
            annotations: { ...service.metadata.annotations, [PRIMARY_REVISION]: revision },
          },
        };
      });
    },

    async setRoutes(canary, routes) {
      refuseUnsupported('knative', KNATIVE_CAPABILITIES, canary, routes);
      await apply(canary, routes);
    },

    async getRoutes(canary) {
      const service = await read(canary);
      const primary = primaryOf(service);
      // Without a traffic block Knative sends everything to the latest revision.
      if (!service.spec.traffic?.length)
        return service.status?.latestCreatedRevisionName === primary ? ALL_TO_PRIMARY : ALL_TO_CANARY;
      const routes = routesOfTraffic(primary, service.spec.traffic);
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
