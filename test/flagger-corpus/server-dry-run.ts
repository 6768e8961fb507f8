/**
 * Whether the real API server accepts a manifest: `kubectl create --dry-run=server` the way
 * `kubectl apply` sends it (strict field validation: an unknown field is refused), in a given namespace
 * (Flagger's examples say `test`; the fresh test namespace replaces it).
 */
import type { TestCluster } from '../cluster/index.js';

export type CrdVerdict = { accepted: true } | { accepted: false; reason: string };

export async function serverAccepts(
  cluster: TestCluster,
  namespace: string,
  object: unknown,
  apiVersion: (version: string) => string = (version) => version,
): Promise<CrdVerdict> {
  if (!isPlainObject(object)) return { accepted: false, reason: 'not a YAML mapping' };
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  const body = {
    ...object,
    apiVersion: apiVersion(String(object.apiVersion ?? '')),
    metadata: { ...metadata, namespace },
  };
  const result = await cluster.kubectl(
    ['create', '--dry-run=server', '--validate=strict', '-o', 'name', '-f', '-'],
    { stdin: JSON.stringify(body) },
  );
  return result.code === 0 ? { accepted: true } : { accepted: false, reason: result.stderr.trim() };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
