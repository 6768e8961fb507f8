/**
 * The user's Knative Service named by targetRef, read and edited in place (Aviary never owns it): what
 * the Knative router and the Knative Service target share.
 */
import { namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import { AviaryError } from '../../errors.js';
import type { KubeClients } from '../../kube/client.js';
import { retryOnConflict, toKubeError } from '../../kube/failure.js';
import { customObjectApi } from '../shared/routing-object.js';
import { KNATIVE_GROUP, KNATIVE_VERSION, PRIMARY_REVISION, type KnativeService } from './types.js';

export interface KnativeServices {
  read(canary: Canary): Promise<KnativeService>;
  /** Replaces the Service with `change(current)` (nothing when it returns undefined), retried on a conflict. */
  update(
    canary: Canary,
    change: (service: KnativeService) => KnativeService | undefined,
  ): Promise<KnativeService>;
}

export function knativeServices(clients: KubeClients): KnativeServices {
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

  return {
    read,
    async update(canary, change) {
      try {
        return await retryOnConflict(async () => {
          const current = await read(canary);
          const next = change(current);
          return next ? await api.replace(namespaceOf(canary), current.metadata.name, next) : current;
        });
      } catch (err) {
        if (err instanceof AviaryError) throw err;
        throw toKubeError(
          err,
          `writing Knative Service ${namespaceOf(canary)}/${canary.spec.targetRef.name}`,
        );
      }
    },
  };
}

/** The revision recorded as the primary, or an error saying the Canary has not been initialized. */
export function primaryRevisionOf(service: KnativeService): string {
  const revision = service.metadata.annotations?.[PRIMARY_REVISION];
  if (!revision)
    throw new AviaryError(
      'ROUTE_NOT_APPLIED',
      `Knative Service ${service.metadata.name} has no ${PRIMARY_REVISION} annotation — the Canary has not been initialized`,
    );
  return revision;
}

/** The Service with `revision` recorded as the primary. */
export function withPrimaryRevision(service: KnativeService, revision: string): KnativeService {
  return {
    ...service,
    metadata: {
      ...service.metadata,
      annotations: { ...service.metadata.annotations, [PRIMARY_REVISION]: revision },
    },
  };
}

/** status.latestCreatedRevisionName, which Knative sets once it has created a revision. */
export function latestRevisionOf(service: KnativeService): string {
  const revision = service.status?.latestCreatedRevisionName;
  if (!revision)
    throw new AviaryError(
      'UNAVAILABLE',
      `Knative Service ${service.metadata.name} has no revision yet (status.latestCreatedRevisionName) — is Knative Serving running?`,
    );
  return revision;
}
