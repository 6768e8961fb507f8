/**
 * The audit records of one credential: the API server's audit log names, besides the user, the token a
 * request came with (`authentication.kubernetes.io/credential-id: JTI=<jti>` for a TokenRequest token).
 * Every test file mints its own token for `aviary-system/aviary` (test/cluster/index.ts), so filtering
 * on it separates the calls of this file's controller from those of controllers other tests run at the
 * same time under the same ServiceAccount.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { auditLinesSince, auditRecords, type AuditRecord } from './audit.js';

/** `JTI=<jti>` of the bearer token in a kubeconfig file (as test/cluster writes them). */
export function credentialIdOf(kubeconfigFile: string): string {
  const config = parse(readFileSync(kubeconfigFile, 'utf8')) as { users?: { user?: { token?: string } }[] };
  const token = config.users?.[0]?.user?.token;
  const payload = token?.split('.')[1];
  if (!payload) throw new Error(`${kubeconfigFile} holds no bearer token (JWT)`);
  const { jti } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: string };
  if (!jti) throw new Error(`the token in ${kubeconfigFile} has no jti claim`);
  return `JTI=${jti}`;
}

/**
 * `auditRecords(kubeconfig, username, since)` restricted to requests made with the credential `credentialId`.
 * Records are matched by the line they come from: the audit log is read once for both.
 */
export function auditRecordsOfCredential(
  kubeconfig: string,
  username: string,
  credentialId: string,
  since: Date,
): AuditRecord[] {
  const records = auditRecords(kubeconfig, username, since);
  // auditRecords keeps no audit ID; the (received, verb, resource, name) of each of our lines picks ours.
  const ours = new Map<string, number>();
  for (const line of auditLinesSince(kubeconfig, since)) {
    if (!line.includes(credentialId) || !line.includes(username)) continue;
    const key = keyOfEvent(JSON.parse(line) as AuditLine);
    if (key) ours.set(key, (ours.get(key) ?? 0) + 1);
  }
  return records.filter((r) => {
    const key = keyOfRecord(r);
    const left = ours.get(key) ?? 0;
    if (left === 0) return false;
    ours.set(key, left - 1);
    return true;
  });
}

interface AuditLine {
  stage: string;
  verb: string;
  requestURI: string;
  requestReceivedTimestamp: string;
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string };
  user: { extra?: Record<string, string[]> };
}

function keyOfEvent(event: AuditLine): string | undefined {
  if (event.stage === 'RequestReceived') return undefined;
  if (event.stage === 'ResponseStarted' && event.verb !== 'watch') return undefined;
  const ref = event.objectRef;
  return [
    event.requestReceivedTimestamp,
    event.verb,
    ref?.resource ?? event.requestURI.split('?')[0],
    ref?.subresource ?? '',
    ref?.namespace ?? '',
    ref?.name ?? '',
  ].join('|');
}

function keyOfRecord(r: AuditRecord): string {
  return [
    r.received,
    r.verb,
    r.resource ?? r.nonResourceURL,
    r.subresource ?? '',
    r.namespace ?? '',
    r.name ?? '',
  ].join('|');
}
