/**
 * A Knative Service as the release target (Flagger's KnativeController): Knative keeps every revision,
 * so there is no `-primary` copy to create, scale or delete. The primary is the revision recorded in
 * the Service's `flagger.app/primary-revision` annotation, the canary is the latest created revision,
 * and promotion records the latest as the primary. A revision's readiness is its own Ready condition.
 */
import { namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import type { Readiness, Revision, WorkloadTarget } from '../../engine/ports.js';
import type { KubeClients } from '../../kube/client.js';
import { customObjectApi, type RoutingObject } from '../../routers/shared/routing-object.js';
import {
  knativeServices,
  latestRevisionOf,
  primaryRevisionOf,
  withPrimaryRevision,
} from '../../routers/knative/service.js';
import { trafficFor } from '../../routers/knative/traffic.js';
import { KNATIVE_GROUP, KNATIVE_VERSION, PRIMARY_REVISION } from '../../routers/knative/types.js';
import { ALL_TO_PRIMARY } from '../../engine/ports.js';

type KnativeRevision = RoutingObject<unknown> & {
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
};

export function knativeTarget(clients: KubeClients): WorkloadTarget {
  const services = knativeServices(clients);
  const revisions = customObjectApi<KnativeRevision>(clients, {
    group: KNATIVE_GROUP,
    version: KNATIVE_VERSION,
    plural: 'revisions',
    kind: 'Revision',
  });

  async function revisionReadiness(canary: Canary, name: string, role: string): Promise<Readiness> {
    const revision = await revisions.read(namespaceOf(canary), name);
    if (!revision)
      return { ready: false, reason: `${role} Knative Revision ${name} not found`, retriable: true };
    const ready = revision.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status === 'True') return { ready: true };
    const why = ready?.message ?? ready?.reason ?? 'no Ready condition yet';
    // Knative marks a revision that cannot start (bad image, failed probes) Ready=False for good.
    return {
      ready: false,
      reason: `${role} Knative Revision ${name} is not ready: ${why}`,
      retriable: ready?.status !== 'False',
    };
  }

  return {
    async initialize(canary) {
      // First sight: the latest revision serves everything, as the primary (Flagger's Initialize).
      const service = await services.update(canary, (current) => {
        if (current.metadata.annotations?.[PRIMARY_REVISION]) return undefined;
        const latest = latestRevisionOf(current);
        const recorded = withPrimaryRevision(current, latest);
        return { ...recorded, spec: { ...recorded.spec, traffic: trafficFor(latest, ALL_TO_PRIMARY) } };
      });
      return revisionReadiness(canary, primaryRevisionOf(service), 'primary');
    },

    async revision(canary): Promise<Revision> {
      // Knative names a revision per template change: the name is the revision (Flagger hashes it).
      return { spec: latestRevisionOf(await services.read(canary)) };
    },

    async primaryReadiness(canary) {
      return revisionReadiness(canary, primaryRevisionOf(await services.read(canary)), 'primary');
    },

    async canaryReadiness(canary) {
      return revisionReadiness(canary, latestRevisionOf(await services.read(canary)), 'canary');
    },

    // Knative scales each revision with its traffic.
    scaleCanaryUp: () => Promise.resolve(),
    scaleCanaryToZero: () => Promise.resolve(),

    async promote(canary) {
      await services.update(canary, (service) => withPrimaryRevision(service, latestRevisionOf(service)));
    },

    // The Service is the user's throughout; the router's finalize leaves its traffic on the primary.
    finalize: () => Promise.resolve(),
  };
}
