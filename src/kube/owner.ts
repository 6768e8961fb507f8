import type { Canary } from '../api/types.js';

/** Owner reference to the Canary, so Kubernetes garbage-collects what Aviary created with it. */
export function ownerReferenceTo(canary: Canary) {
  if (!canary.metadata.uid) return [];
  return [
    {
      apiVersion: canary.apiVersion,
      kind: canary.kind,
      name: canary.metadata.name,
      uid: canary.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
}

export function isOwnedBy(owners: { uid: string }[] | undefined, canary: Canary): boolean {
  return Boolean(canary.metadata.uid) && (owners ?? []).some((o) => o.uid === canary.metadata.uid);
}
