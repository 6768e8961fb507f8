/**
 * The API server's own audit log (scripts/dev-cluster.sh runs kube-apiserver with a Metadata-level
 * policy): every request as the server saw it, with the authenticated user and the RBAC verb. Tests
 * use it to see exactly which calls a component made, e.g. to find grants no code path uses.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface AuditRecord {
  /** The RBAC verb: get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
  username: string;
  userAgent?: string;
  /** '' for the core group. Unset for non-resource requests. */
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Set for /healthz, /version, discovery... */
  nonResourceURL?: string;
  code: number;
  /** When the server received the request (ISO 8601, microseconds). */
  received: string;
}

interface AuditEvent {
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string };
  userAgent?: string;
  objectRef?: {
    apiGroup?: string;
    resource?: string;
    subresource?: string;
    namespace?: string;
    name?: string;
  };
  responseStatus?: { code?: number };
  requestReceivedTimestamp: string;
}

export function auditLogPath(kubeconfig: string): string {
  return path.join(path.dirname(kubeconfig), 'logs', 'audit.log');
}

/** Completed requests made by `username` since `since` (a Date), oldest first. */
export function auditRecords(kubeconfig: string, username: string, since: Date): AuditRecord[] {
  const file = auditLogPath(kubeconfig);
  if (!existsSync(file))
    throw new Error(`no audit log at ${file}: is kube-apiserver running with --audit-log-path?`);
  const records: AuditRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes(username)) continue;
    const event = JSON.parse(line) as AuditEvent;
    // One event per finished request; long watches end in ResponseComplete too, or stay at ResponseStarted.
    if (event.user.username !== username || event.stage === 'RequestReceived') continue;
    if (event.stage === 'ResponseStarted' && event.verb !== 'watch') continue;
    if (new Date(event.requestReceivedTimestamp) < since) continue;
    const ref = event.objectRef;
    records.push({
      verb: event.verb,
      username,
      ...(event.userAgent ? { userAgent: event.userAgent } : {}),
      ...(ref?.resource !== undefined
        ? {
            apiGroup: ref.apiGroup ?? '',
            resource: ref.resource,
            ...(ref.subresource ? { subresource: ref.subresource } : {}),
            ...(ref.namespace ? { namespace: ref.namespace } : {}),
            ...(ref.name ? { name: ref.name } : {}),
          }
        : { nonResourceURL: event.requestURI.split('?')[0] }),
      code: event.responseStatus?.code ?? 0,
      received: event.requestReceivedTimestamp,
    });
  }
  return records;
}
