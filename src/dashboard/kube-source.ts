/**
 * Canaries from the Kubernetes API: `canaries.aviary.dev` in one namespace or all, and the core v1
 * Events whose involvedObject is a Canary. Every call carries a deadline (src/kube/timeout.ts).
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import type { Canary } from '../api/types.js';
import { GROUP, VERSION, type KubeClients } from '../kube/client.js';
import { kubeFailure } from '../kube/failure.js';
import { reasonOf, withTimeout } from '../kube/timeout.js';
import { specFields, statusFields } from './status-view.js';
import { canaryKey, type CanarySource, type CanaryView, type EventView } from './types.js';
import { namespaceOf } from '../api/defaults.js';
import { AviaryError } from '../errors.js';

export interface KubeSourceOptions {
  clients: KubeClients;
  /** Only this namespace; empty or absent: all namespaces. */
  namespace?: string;
  timeoutMs?: number;
}

export function kubeSource(options: KubeSourceOptions): CanarySource {
  const { clients, namespace } = options;
  const timeoutMs = options.timeoutMs ?? 5000;
  const server = clients.config.getCurrentCluster()?.server ?? '(no cluster in kubeconfig)';

  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      const failure = kubeFailure(err);
      const reason = failure
        ? `${failure.code} ${failure.reason}: ${failure.message}${failure.code === 401 || failure.code === 403 ? ' — the dashboard needs list on canaries.aviary.dev and events' : ''}`
        : `${reasonOf(err, timeoutMs)} — check --kubeconfig and its current context`;
      throw new AviaryError('UNAVAILABLE', `${what} at ${server}: ${reason}`, { cause: err });
    }
  };

  return {
    description: `Kubernetes ${server}, ${namespace ? `namespace ${namespace}` : 'all namespaces'}`,

    async list() {
      const ref = { group: GROUP, version: VERSION, plural: 'canaries' };
      const list = (await call('listing canaries.aviary.dev', () =>
        namespace
          ? clients.custom.listNamespacedCustomObject({ ...ref, namespace }, withTimeout(timeoutMs))
          : clients.custom.listClusterCustomObject(ref, withTimeout(timeoutMs)),
      )) as { items?: Canary[] };
      return (list.items ?? []).map(viewOf);
    },

    async events(canaries, limit) {
      if (canaries.length === 0) return new Map();
      const fieldSelector = 'involvedObject.kind=Canary';
      const list = await call('listing events of canaries', () =>
        namespace
          ? clients.core.listNamespacedEvent({ namespace, fieldSelector }, withTimeout(timeoutMs))
          : clients.core.listEventForAllNamespaces({ fieldSelector }, withTimeout(timeoutMs)),
      );
      const byCanary = new Map<string, EventView[]>();
      for (const event of list.items) {
        if (!event.involvedObject.apiVersion?.startsWith(`${GROUP}/`)) continue;
        const key = canaryKey({
          namespace: event.involvedObject.namespace ?? event.metadata.namespace,
          name: event.involvedObject.name ?? '',
        });
        byCanary.set(key, [...(byCanary.get(key) ?? []), eventView(event)]);
      }
      for (const [key, events] of byCanary) {
        byCanary.set(key, events.sort((a, b) => (b.time ?? '').localeCompare(a.time ?? '')).slice(0, limit));
      }
      return byCanary;
    },
  };
}

function viewOf(canary: Canary): CanaryView {
  return {
    name: canary.metadata.name,
    namespace: namespaceOf(canary),
    ...statusFields(canary.status ?? {}),
    ...specFields(canary.spec),
    events: [],
  };
}

/** Typed lists deliver Dates; an Event's last occurrence is lastTimestamp, else eventTime, else creation. */
export function eventView(event: CoreV1Event): EventView {
  const when =
    event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
  return {
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? '',
    ...(when ? { time: new Date(when).toISOString() } : {}),
    ...(event.count === undefined ? {} : { count: event.count }),
  };
}
