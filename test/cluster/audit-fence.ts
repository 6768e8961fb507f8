/**
 * Audit records that are sure to be complete, read from a mark onwards. The API server writes a
 * request's audit event as the request finishes, which can be a moment after the client has its
 * answer; a fence — one more request, made now by the same user for a name nobody uses — is waited for
 * in the log, and what the user did before the fence is then there too. Only the log written since
 * the mark is read (the whole log grows by megabytes a minute on a busy shared cluster).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { KubeClients } from '../../src/kube/client.js';
import { auditLogPath, auditRecords, recordOf, type AuditEvent, type AuditRecord } from './audit.js';

export interface AuditMark {
  kubeconfig: string;
  /** Byte offset of the log's end when the mark was taken. */
  offset: number;
  inode: number;
  since: Date;
}

/** The log's end now: `auditedUntilNow` reads what comes after it. */
export function auditMark(kubeconfig: string): AuditMark {
  const stat = statSync(auditLogPath(kubeconfig));
  return { kubeconfig, offset: stat.size, inode: stat.ino, since: new Date() };
}

/** As `auditRecords` (test/cluster/audit.ts) does, for the part of the log after `mark`. */
function recordsAfter(mark: AuditMark, username: string): AuditRecord[] {
  const file = auditLogPath(mark.kubeconfig);
  const stat = statSync(file);
  // Rotated since the mark (--audit-log-maxsize): the whole current log, by time.
  if (stat.ino !== mark.inode || stat.size < mark.offset)
    return auditRecords(mark.kubeconfig, username, mark.since);
  const length = stat.size - mark.offset;
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, mark.offset);
  } finally {
    closeSync(fd);
  }
  const records: AuditRecord[] = [];
  for (const line of buffer.toString('utf8').split('\n')) {
    if (!line.includes(username)) continue;
    let event: AuditEvent;
    try {
      event = JSON.parse(line) as AuditEvent;
    } catch {
      continue; // a line cut by the mark or still being written
    }
    const record = recordOf(event, username);
    if (record) records.push(record);
  }
  return records;
}

/**
 * Requests `username` made since `mark`, up to the fence. `clients` authenticate as `username` and
 * may get ConfigMaps in `namespace` (the fence is a GET of a ConfigMap that does not exist: 404, or
 * 403 without the grant; either is audited).
 */
export async function auditedUntilNow(
  mark: AuditMark,
  username: string,
  clients: KubeClients,
  namespace: string,
  deadlineMs = 60_000,
): Promise<AuditRecord[]> {
  const fence = `audit-fence-${randomBytes(6).toString('hex')}`;
  const isFence = (r: AuditRecord) => r.resource === 'configmaps' && r.name === fence;
  await clients.core.readNamespacedConfigMap({ name: fence, namespace }).catch(() => undefined);
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const records = recordsAfter(mark, username);
    if (records.some(isFence)) return records.filter((r) => !isFence(r));
    if (Date.now() > deadline)
      throw new Error(`the audit log never showed ${username}'s fence request ${namespace}/${fence}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `update virtualservices.networking.istio.io ns/name -> 200`, for readable failures. */
export function describeRecord(r: AuditRecord): string {
  const resource = r.apiGroup ? `${r.resource}.${r.apiGroup}` : r.resource;
  const sub = r.subresource ? `/${r.subresource}` : '';
  const where = r.namespace ? `${r.namespace}/${r.name ?? ''}` : (r.name ?? '');
  return `${r.verb} ${resource ?? r.nonResourceURL}${sub} ${where} -> ${r.code}`;
}

export const WRITE_VERBS: ReadonlySet<string> = new Set([
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
]);
