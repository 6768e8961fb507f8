/**
 * The generic `webhook` provider: Aviary's own JSON, for receivers that are not chat services (incident
 * tools, bots, audit logs). Not a Flagger type. The payload:
 *
 *   {"name": "podinfo", "namespace": "test", "phase": "Failed", "weight": 0, "severity": "error",
 *    "message": "Canary analysis failed: ...", "fields": {"Target": "Deployment/podinfo.test"},
 *    "timestamp": "2026-01-01T12:00:00.000Z"}
 *
 * `token` from the provider's secret is sent as `Authorization: Bearer <token>`.
 */
import type { Severity } from '../engine/ports.js';
import type { Phase } from '../api/types.js';
import { bearer, type AlertFormat } from './alert.js';

export interface WebhookAlertPayload {
  name: string;
  namespace: string;
  phase: Phase;
  weight: number;
  severity: Severity;
  message: string;
  fields: Record<string, string>;
  /** RFC 3339 (UTC). */
  timestamp: string;
}

export const webhook: AlertFormat = {
  request(target, alert) {
    const body: WebhookAlertPayload = {
      name: alert.name,
      namespace: alert.namespace,
      phase: alert.phase,
      weight: alert.canaryWeight,
      severity: alert.severity,
      message: alert.message,
      fields: Object.fromEntries(alert.fields),
      timestamp: new Date(alert.timestamp).toISOString(),
    };
    return { url: target.address, body, headers: bearer(target.token) };
  },
};
