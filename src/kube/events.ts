/**
 * Kubernetes Events on the Canary, like `kubectl describe canary` shows them. Repeated events with the
 * same reason and message bump the count of the existing Event instead of creating a new one.
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import type { Canary } from '../api/types.js';
import type { EventRecorder, EventType } from '../engine/ports.js';
import { MERGE_PATCH, type KubeClients } from './client.js';
import { isAlreadyExists, isNotFound } from './failure.js';
import { namespaceOf } from '../api/defaults.js';

export interface KubeEventRecorderOptions {
  clients: KubeClients;
  component?: string;
  now?: () => Date;
  log?: (message: string) => void;
}

/** Event names this process created, at most: past it the oldest are forgotten (and found again by a 409). */
const REMEMBERED_EVENTS = 10_000;

export function kubeEventRecorder(options: KubeEventRecorderOptions): EventRecorder {
  const now = options.now ?? (() => new Date());
  const component = options.component ?? 'aviary';
  const { core } = options.clients;
  /**
   * Events this recorder created: a repeat bumps their count (a GET and a patch), a first occurrence is
   * created at once, with no GET first (most events happen once: 3 GETs saved per canary initialized).
   */
  const created = new Set<string>();
  const remember = (key: string) => {
    created.add(key);
    if (created.size > REMEMBERED_EVENTS) created.delete(created.values().next().value as string);
  };

  async function bump(namespace: string, key: string, timestamp: string): Promise<boolean> {
    try {
      const existing = await core.readNamespacedEvent({ name: key, namespace });
      await core.patchNamespacedEvent(
        { name: key, namespace, body: { count: (existing.count ?? 1) + 1, lastTimestamp: timestamp } },
        MERGE_PATCH,
      );
      return true;
    } catch (err) {
      if (isNotFound(err)) return false; // expired (events live an hour) or never ours: create it
      throw err;
    }
  }

  return {
    async record(canary: Canary, type: EventType, reason: string, message: string) {
      const namespace = namespaceOf(canary);
      const key = eventName(canary, reason, message);
      const timestamp = now().toISOString();
      try {
        if (created.has(key) && (await bump(namespace, key, timestamp))) return;
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
        try {
          await core.createNamespacedEvent({ namespace, body });
        } catch (err) {
          // Recorded before this process started (or forgotten): bump the one that is there.
          if (!isAlreadyExists(err) || !(await bump(namespace, key, timestamp))) throw err;
        }
        remember(key);
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
