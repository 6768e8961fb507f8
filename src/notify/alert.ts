/**
 * What every alert provider formats: one notification about one canary, flattened into facts. Each
 * provider file turns an Alert into its service's request; nothing here knows about a service.
 */
import type { Phase } from '../api/types.js';
import type { Notification, Severity } from '../engine/ports.js';
import { namespaceOf } from '../api/defaults.js';

export interface Alert {
  name: string;
  namespace: string;
  severity: Severity;
  /** One sentence: what happened and why. */
  message: string;
  phase: Phase;
  canaryWeight: number;
  /** The notification's own facts, in the order given. */
  fields: Array<[string, string]>;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

export function alertOf(notification: Notification, now: number): Alert {
  return {
    name: notification.canary.metadata.name,
    namespace: namespaceOf(notification.canary),
    severity: notification.severity,
    message: notification.message,
    phase: notification.phase,
    canaryWeight: notification.canaryWeight,
    fields: Object.entries(notification.fields ?? {}),
    timestamp: now,
  };
}

/** `<name>.<namespace>`, as Flagger names a canary in alerts. */
export function subject(alert: Alert): string {
  return `${alert.name}.${alert.namespace}`;
}

/**
 * The facts every provider shows: the notification's fields, then the phase and the canary's traffic share,
 * so a reader knows at what weight it happened without opening the cluster.
 */
export function facts(alert: Alert): Array<[string, string]> {
  return [...alert.fields, ['Phase', alert.phase], ['Canary weight', `${alert.canaryWeight}%`]];
}

/** Where and as whom to post: an AlertProvider with its secret and defaults applied. */
export interface AlertTarget {
  type: string;
  address: string;
  channel: string;
  username: string;
  token?: string;
  proxy?: string;
}

/** One HTTP request to a provider. */
export interface ProviderRequest {
  url: string;
  body: unknown;
  headers?: Record<string, string>;
}

/** A provider: how to build its request, and (optionally) how to spot a failure hidden in a 2xx answer. */
export interface AlertFormat {
  request(target: AlertTarget, alert: Alert): ProviderRequest;
  rejection?(responseBody: string): string | undefined;
}

export function bearer(token: string | undefined): Record<string, string> | undefined {
  return token ? { authorization: `Bearer ${token}` } : undefined;
}
