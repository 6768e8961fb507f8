/** Reads what the mesh preflight needs from the cluster: PeerAuthentications, istiod, the target's pods. */
import type { Canary } from '../../api/types.js';
import type { KubeClients } from '../../kube/client.js';
import { isNotFound } from '../../kube/failure.js';
import { sharedReads } from '../../kube/shared-reads.js';
import {
  imageTag,
  PEER_AUTHENTICATION_GROUP,
  PEER_AUTHENTICATION_VERSION,
  type MeshWorld,
  type PeerAuthentication,
} from './mesh-preflight.js';
import { namespaceOf } from '../../api/defaults.js';

/** Istio's default root namespace, where mesh-wide PeerAuthentications live. */
export const ISTIO_ROOT_NAMESPACE = 'istio-system';

/** Pods listed per workload, at most: enough to see every sidecar version in a rollout. */
const POD_LIMIT = 200;

/**
 * How long a read the preflights of many canaries make alike is shared between them
 * (src/kube/shared-reads.ts): a PeerAuthentication or Gateway changed within this time may be seen late.
 */
export const SHARED_READ_TTL_MS = 30_000;

/**
 * What the mesh preflight reads for a canary. The PeerAuthentications of a namespace and istiod's
 * versions are the same for every canary and are shared for a while; the target's pods are its own.
 */
export function meshWorldReader(clients: KubeClients): (canary: Canary) => Promise<MeshWorld> {
  const peerAuthenticationsIn = sharedReads(SHARED_READ_TTL_MS, async (namespace) => {
    const list = (await clients.custom.listNamespacedCustomObject({
      group: PEER_AUTHENTICATION_GROUP,
      version: PEER_AUTHENTICATION_VERSION,
      plural: 'peerauthentications',
      namespace,
    })) as { items: PeerAuthentication[] };
    return list.items;
  });
  const istiodVersions = sharedReads(SHARED_READ_TTL_MS, async () => {
    const istiod = await clients.apps.listDeploymentForAllNamespaces({ labelSelector: 'app=istiod' });
    return istiod.items.flatMap((d) => {
      const containers = d.spec?.template.spec?.containers ?? [];
      const tag = imageTag((containers.find((c) => c.name === 'discovery') ?? containers[0])?.image);
      return tag ? [tag] : [];
    });
  });

  return async (canary) => {
    const namespace = namespaceOf(canary);
    const peerAuthentications: PeerAuthentication[] = [];
    for (const ns of new Set([namespace, ISTIO_ROOT_NAMESPACE])) {
      peerAuthentications.push(...(await peerAuthenticationsIn(ns)));
    }
    const { podLabels, sidecars } = await targetPods(clients, canary);
    return {
      peerAuthentications,
      rootNamespace: ISTIO_ROOT_NAMESPACE,
      podLabels,
      istiodVersions: await istiodVersions('istiod'),
      sidecars,
    };
  };
}

/** The labels and sidecar versions of the target's pods, primary and canary. */
async function targetPods(
  clients: KubeClients,
  canary: Canary,
): Promise<Pick<MeshWorld, 'podLabels' | 'sidecars'>> {
  const namespace = namespaceOf(canary);
  const podLabels: Record<string, string>[] = [];
  const sidecars: MeshWorld['sidecars'] = [];
  const kind = canary.spec.targetRef.kind;
  if (kind === 'Deployment' || kind === 'DaemonSet') {
    for (const name of [canary.spec.targetRef.name, `${canary.spec.targetRef.name}-primary`]) {
      const selector = await workloadSelector(clients, kind, namespace, name);
      if (!selector) continue;
      const pods = await clients.core.listNamespacedPod({
        namespace,
        labelSelector: selector,
        limit: POD_LIMIT,
      });
      for (const pod of pods.items) {
        podLabels.push(pod.metadata?.labels ?? {});
        const proxy = pod.spec?.containers.find((c) => c.name === 'istio-proxy');
        const version = imageTag(proxy?.image);
        if (version) sidecars.push({ pod: pod.metadata?.name ?? '?', version });
      }
    }
  }
  return { podLabels, sidecars };
}

async function workloadSelector(
  clients: KubeClients,
  kind: 'Deployment' | 'DaemonSet',
  namespace: string,
  name: string,
): Promise<string | undefined> {
  try {
    const workload =
      kind === 'DaemonSet'
        ? await clients.apps.readNamespacedDaemonSet({ name, namespace })
        : await clients.apps.readNamespacedDeployment({ name, namespace });
    return labelSelector(workload.spec?.selector?.matchLabels);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** `k=v,k2=v2` for the API server's labelSelector; undefined for no labels (which would select all). */
export function labelSelector(labels: Record<string, string> | undefined): string | undefined {
  const pairs = Object.entries(labels ?? {});
  return pairs.length ? pairs.map(([k, v]) => `${k}=${v}`).join(',') : undefined;
}
