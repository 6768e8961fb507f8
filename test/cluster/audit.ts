/**
 * The API server's own audit log (scripts/dev-cluster.sh runs kube-apiserver with a Metadata-level
 * policy): every request as the server saw it, with the authenticated user and the RBAC verb. Tests
 * use it to see exactly which calls a component made, e.g. to find grants no code path uses.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
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

export interface AuditEvent {
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

/**
 * The log's lines written since about `since`, without reading the whole file: it grows by hundreds of
 * megabytes in a test run. Events are written in completion order, so a binary search on the receive
 * time of the line at a byte offset finds where to start; a margin covers long requests.
 */
export function auditLinesSince(kubeconfig: string, since: Date): string[] {
  const file = auditLogPath(kubeconfig);
  if (!existsSync(file))
    throw new Error(`no audit log at ${file}: is kube-apiserver running with --audit-log-path?`);
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const startAfter = since.getTime() - 120_000;
    let low = 0;
    let high = size;
    while (high - low > 1 << 20) {
      const middle = Math.floor((low + high) / 2);
      const at = receivedAfterOffset(fd, middle, size);
      if (at === undefined || at >= startAfter) high = middle;
      else low = middle;
    }
    const lines: string[] = [];
    const chunk = Buffer.alloc(8 << 20);
    let partial = '';
    for (let position = low; position < size;) {
      const read = readSync(fd, chunk, 0, Math.min(chunk.length, size - position), position);
      if (read <= 0) break;
      position += read;
      const parts = (partial + chunk.toString('utf8', 0, read)).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
    }
    // The first line may be cut in the middle when the search landed inside it.
    return low > 0 ? lines.slice(1) : lines;
  } finally {
    closeSync(fd);
  }
}

/** Receive time (ms) of the first whole line after `offset`, or undefined at the end of the file. */
function receivedAfterOffset(fd: number, offset: number, size: number): number | undefined {
  const buffer = Buffer.alloc(Math.min(256 << 10, size - offset));
  const read = readSync(fd, buffer, 0, buffer.length, offset);
  const text = buffer.toString('utf8', 0, read);
  const start = text.indexOf('\n') + 1;
  const end = text.indexOf('\n', start);
  if (start <= 0 || end < 0) return undefined;
  const match = /"requestReceivedTimestamp":"([^"]+)"/.exec(text.slice(start, end));
  return match ? Date.parse(match[1] as string) : undefined;
}

/** Requests made by `username` since `since` (a Date), oldest first; a watch counts when it opens. */
export function auditRecords(kubeconfig: string, username: string, since: Date): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (const line of auditLinesSince(kubeconfig, since)) {
    if (!line.includes(username)) continue;
    const record = recordOf(JSON.parse(line) as AuditEvent, username);
    if (record && new Date(record.received) >= since) records.push(record);
  }
  return records;
}

/** One request of `username`, or undefined for another user's line or another stage of the request. */
export function recordOf(event: AuditEvent, username: string): AuditRecord | undefined {
  // One record per request: its ResponseComplete, or for a watch its ResponseStarted, which the server
  // logs for every watch (streamed or refused) before the ResponseComplete that ends it, maybe minutes later.
  if (event.user.username !== username) return undefined;
  if (event.stage !== (event.verb === 'watch' ? 'ResponseStarted' : 'ResponseComplete')) return undefined;
  const ref = event.objectRef;
  return {
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
  };
}
