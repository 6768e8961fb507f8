/**
 * The `<name>-primary` copy of the user's autoscaler, written the same way for every kind: created owned
 * by the Canary, replaced only where it differs from what the user's one says.
 */
import { namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import { AviaryError } from '../../errors.js';
import { retryOnConflict, toKubeError } from '../../kube/failure.js';
import { ownerReferenceTo } from '../../kube/owner.js';
import { digest } from './digest.js';
import { copyableAnnotations, copyableLabels, primaryName } from './metadata.js';
import { includedLabels } from './primary-deployment.js';

/** Get/create/replace of one kind of object (a typed client or a custom resource). */
export interface CopyApi<T> {
  kind: string;
  read(namespace: string, name: string): Promise<T | undefined>;
  create(namespace: string, body: T): Promise<unknown>;
  replace(namespace: string, name: string, body: T): Promise<unknown>;
}

export interface CopyMeta {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** What Aviary manages on a copy: comparing only these keeps a reconcile that changes nothing from writing. */
const managedContent = (o: { metadata?: CopyMeta; spec?: unknown }) =>
  digest({ spec: o.spec, labels: o.metadata?.labels ?? {}, annotations: o.metadata?.annotations ?? {} });

/** Creates the primary copy, or replaces it when its spec, labels or annotations differ from `desired`. */
export async function reconcileCopy<T extends { metadata?: CopyMeta; spec?: unknown }>(
  api: CopyApi<T>,
  desired: T,
): Promise<void> {
  const namespace = desired.metadata?.namespace ?? '';
  const name = desired.metadata?.name ?? '';
  try {
    await retryOnConflict(async () => {
      const existing = await api.read(namespace, name);
      if (!existing) {
        await api.create(namespace, desired);
        return;
      }
      if (managedContent(existing) === managedContent(desired)) return;
      const metadata = { ...desired.metadata, resourceVersion: existing.metadata?.resourceVersion };
      await api.replace(namespace, name, { ...desired, metadata });
    });
  } catch (err) {
    if (err instanceof AviaryError) throw err;
    throw toKubeError(err, `writing ${api.kind} ${namespace}/${name}`);
  }
}

/** The user's autoscaler autoscalerRef names; NOT_FOUND, with the fix, when it is not there. */
export async function readUserAutoscaler<T>(api: CopyApi<T>, namespace: string, name: string): Promise<T> {
  const found = await api.read(namespace, name);
  if (found) return found;
  throw new AviaryError(
    'NOT_FOUND',
    `${api.kind} ${namespace}/${name} named by autoscalerRef not found — create it or remove autoscalerRef`,
  );
}

/** The copy's metadata: `<name>-primary` beside the user's object, its labels and annotations, owned by the Canary. */
export function copyMetadata(
  canary: Canary,
  source: CopyMeta,
  includeLabelPrefixes: readonly string[] | undefined,
) {
  return {
    name: primaryName(source.name ?? ''),
    namespace: source.namespace ?? namespaceOf(canary),
    labels: includedLabels(copyableLabels(source.labels), includeLabelPrefixes),
    annotations: copyableAnnotations(source.annotations),
    ownerReferences: ownerReferenceTo(canary),
  };
}
