/**
 * The API layer every mesh/ingress router shares: read a routing object, create it owned by the Canary,
 * or replace only what differs (so a reconcile that changes nothing writes nothing), and take over a
 * user's object of the same name while keeping its original spec to give back on revertOnDeletion.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Canary } from '../../api/types.js';
import { AviaryError } from '../../errors.js';
import type { KubeClients } from '../../kube/client.js';
import { isNotFound, retryOnConflict, toKubeError } from '../../kube/failure.js';
import { GITOPS_ANNOTATIONS } from './gitops.js';
import { isOwnedBy, ownerReferenceTo } from '../../kube/owner.js';
import { namespaceOf } from '../../api/defaults.js';

/** Where the spec of an object Aviary took over is kept, to give it back on revertOnDeletion. */
export const ORIGINAL_SPEC_ANNOTATION = 'aviary.dev/original-spec';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface RoutingMeta {
  name: string;
  namespace: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

export interface RoutingObject<Spec> {
  apiVersion: string;
  kind: string;
  metadata: RoutingMeta;
  spec: Spec;
  status?: unknown;
}

/** Get/create/replace of one resource type; undefined from `read` means not found. */
export interface ObjectApi<T extends RoutingObject<unknown>> {
  kind: string;
  apiVersion: string;
  read(namespace: string, name: string): Promise<T | undefined>;
  create(namespace: string, body: T): Promise<T>;
  replace(namespace: string, name: string, body: T): Promise<T>;
}

export function customObjectApi<T extends RoutingObject<unknown>>(
  clients: KubeClients,
  type: { group: string; version: string; plural: string; kind: string },
): ObjectApi<T> {
  const at = (namespace: string, name: string) => ({ ...type, namespace, name });
  return {
    kind: type.kind,
    apiVersion: `${type.group}/${type.version}`,
    async read(namespace, name) {
      try {
        return (await clients.custom.getNamespacedCustomObject(at(namespace, name))) as T;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw toKubeError(err, `reading ${type.kind} ${namespace}/${name}`);
      }
    },
    async create(namespace, body) {
      return (await clients.custom.createNamespacedCustomObject({ ...type, namespace, body })) as T;
    },
    async replace(namespace, name, body) {
      return (await clients.custom.replaceNamespacedCustomObject({ ...at(namespace, name), body })) as T;
    },
  };
}

/** What a router wants of its object: the spec and, where it manages them, full label/annotation maps. */
export interface Desired<Spec> {
  spec: Spec;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** JSON as the API server stores it: no undefined members, so comparisons see what a write would change. */
const asStored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * Creates the object or replaces it when the desired spec or metadata differ; returns what the server
 * holds after the call (the read-back the caller verifies).
 */
export async function upsertOwned<Spec, T extends RoutingObject<Spec>>(
  api: ObjectApi<T>,
  canary: Canary,
  name: string,
  desired: (existing: T | undefined) => Desired<Spec>,
): Promise<T> {
  const namespace = namespaceOf(canary);
  try {
    return await retryOnConflict(async () => {
      const existing = await api.read(namespace, name);
      const want = asStored(desired(existing));
      if (!existing) {
        const body = {
          apiVersion: api.apiVersion,
          kind: api.kind,
          metadata: {
            name,
            namespace,
            ...(want.labels && Object.keys(want.labels).length ? { labels: want.labels } : {}),
            ...(want.annotations && Object.keys(want.annotations).length
              ? { annotations: want.annotations }
              : {}),
            ownerReferences: ownerReferenceTo(canary),
          },
          spec: want.spec,
        } as T;
        return await api.create(namespace, body);
      }
      const takingOver = !isOwnedBy(existing.metadata.ownerReferences, canary);
      const original = existing.metadata.annotations?.[ORIGINAL_SPEC_ANNOTATION];
      const labels = want.labels ?? existing.metadata.labels ?? {};
      const annotations: Record<string, string> = {
        ...(want.annotations ?? existing.metadata.annotations ?? {}),
      };
      delete annotations[ORIGINAL_SPEC_ANNOTATION];
      if (original) annotations[ORIGINAL_SPEC_ANNOTATION] = original;
      else if (takingOver) annotations[ORIGINAL_SPEC_ANNOTATION] = JSON.stringify(existing.spec);
      const unchanged =
        !takingOver &&
        isDeepStrictEqual(existing.spec, want.spec) &&
        isDeepStrictEqual(existing.metadata.labels ?? {}, labels) &&
        isDeepStrictEqual(existing.metadata.annotations ?? {}, annotations);
      if (unchanged) return existing;
      const body = {
        ...existing,
        metadata: {
          ...existing.metadata,
          labels,
          annotations,
          ownerReferences: takingOver ? ownerReferenceTo(canary) : existing.metadata.ownerReferences,
        },
        spec: want.spec,
      } as T;
      return await api.replace(namespace, name, body);
    });
  } catch (err) {
    if (err instanceof AviaryError) throw err;
    throw toKubeError(err, `writing ${api.kind} ${namespace}/${name}`);
  }
}

/**
 * revertOnDeletion for an object Aviary took over: puts the user's spec back and drops Aviary's owner
 * reference. Returns false when Aviary created the object itself (the caller routes it to the primary).
 */
export async function restoreTakenOver<Spec, T extends RoutingObject<Spec>>(
  api: ObjectApi<T>,
  existing: T,
): Promise<boolean> {
  const original = existing.metadata.annotations?.[ORIGINAL_SPEC_ANNOTATION];
  if (!original) return false;
  const annotations = { ...existing.metadata.annotations };
  delete annotations[ORIGINAL_SPEC_ANNOTATION];
  const body = {
    ...existing,
    metadata: { ...existing.metadata, annotations, ownerReferences: [] },
    spec: JSON.parse(original) as Spec,
  } as T;
  try {
    await api.replace(existing.metadata.namespace, existing.metadata.name, body);
  } catch (err) {
    throw toKubeError(err, `restoring ${api.kind} ${existing.metadata.namespace}/${existing.metadata.name}`);
  }
  return true;
}

/** The read-back check of setRoutes: the server must hold the weights (and mirror) asked for. */
export function verifyApplied(
  kind: string,
  name: string,
  asked: { canaryWeight: number; mirrored: boolean },
  held: { canaryWeight: number; mirrored: boolean } | undefined,
): void {
  if (held && held.canaryWeight === asked.canaryWeight && held.mirrored === asked.mirrored) return;
  throw new AviaryError(
    'ROUTE_NOT_APPLIED',
    `route not applied: asked canary ${asked.canaryWeight}%${asked.mirrored ? ' (mirrored)' : ''}, ${kind} ${name} holds ${held ? `${held.canaryWeight}%${held.mirrored ? ' (mirrored)' : ''}` : 'no weighted route'} — is another controller (GitOps, an admission webhook) rewriting it?`,
  );
}

/** Missing routing object, with what creates it. */
export function routingObjectMissing(kind: string, canary: Canary, name: string): AviaryError {
  return new AviaryError(
    'NOT_FOUND',
    `${kind} ${name} not found in ${namespaceOf(canary)} — Aviary creates it when the Canary initializes`,
  );
}

/** Weights as percentages of their sum (SMI quantities, Contour weights are relative, not percent). */
export function asPercent(primary: number, canary: number): { primaryWeight: number; canaryWeight: number } {
  const total = primary + canary;
  if (total <= 0) return { primaryWeight: 100, canaryWeight: 0 };
  const canaryWeight = Math.round((canary * 100) / total);
  return { primaryWeight: 100 - canaryWeight, canaryWeight };
}

/**
 * `service.apex` labels and annotations on a routing object, over what others put there, with the Flux
 * drift annotations (as Flagger writes them on every routing object).
 */
export function apexMetadata(
  canary: Canary,
  existing: RoutingObject<unknown> | undefined,
): { labels: Record<string, string>; annotations: Record<string, string> } {
  return {
    labels: { ...existing?.metadata.labels, ...canary.spec.service.apex?.labels },
    annotations: {
      ...existing?.metadata.annotations,
      ...canary.spec.service.apex?.annotations,
      ...GITOPS_ANNOTATIONS,
    },
  };
}
