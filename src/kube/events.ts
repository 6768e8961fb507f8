/**
 * Kubernetes Events on the Canary, like `kubectl describe canary` shows them. Repeated events with the
 * same reason and message bump the count of the existing Event instead of creating a new one.
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import type { Canary } from '../api/types.js';
import type { EventRecorder, EventType } from '../engine/ports.js';
import { MERGE_PATCH, type KubeClients } from './client.js';
import { isNotFound } from './failure.js';
import { namespaceOf } from '../api/defaults.js';

export interface KubeEventRecorderOptions {
  clients: KubeClients;
  component?: string;
  now?: () => Date;
  log?: (message: string) => void;
}

export function kubeEventRecorder(options: KubeEventRecorderOptions): EventRecorder {
  const now = options.now ?? (() => new Date());
  const component = options.component ?? 'aviary';
  return {
    async record(canary: Canary, type: EventType, reason: string, message: string) {
      const namespace = namespaceOf(canary);
      const key = eventName(canary, reason, message);
      const timestamp = now().toISOString();
      try {
        try {
          const existing = await options.clients.core.readNamespacedEvent({ name: key, namespace });
          await options.clients.core.patchNamespacedEvent(
            { name: key, namespace, body: { count: (existing.count ?? 1) + 1, lastTimestamp: timestamp } },
            MERGE_PATCH,
          );
          return;
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        const body: CoreV1Event = {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: key, namespace },
          involvedObject: involvedObject(canary),
          type,
          reason,
          message,
          count: 1,
          source: { component },
          reportingComponent: component,
          firstTimestamp: new Date(timestamp),
          lastTimestamp: new Date(timestamp),
        };
        await options.clients.core.createNamespacedEvent({ namespace, body });
      } catch (err) {
        options.log?.(`recording event ${reason} on ${canary.metadata.name}: ${String(err)}`);
      }
    },
  };
}

/** The Canary an Event is about, as `kubectl describe canary` matches it. */
export function involvedObject(canary: Canary): NonNullable<CoreV1Event['involvedObject']> {
  return {
    apiVersion: canary.apiVersion,
    kind: canary.kind,
    name: canary.metadata.name,
    namespace: namespaceOf(canary),
    ...(canary.metadata.uid ? { uid: canary.metadata.uid } : {}),
    ...(canary.metadata.resourceVersion ? { resourceVersion: canary.metadata.resourceVersion } : {}),
  };
}

/** Stable name per (canary, reason, message), so a repeated event aggregates. */
function eventName(canary: Canary, reason: string, message: string): string {
  let hash = 0x811c9dc5;
  for (const ch of `${reason}\n${message}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `${canary.metadata.name}.${hash.toString(16)}`;
}
