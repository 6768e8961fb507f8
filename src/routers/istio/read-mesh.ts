/** Reads what the mesh preflight needs from the cluster: PeerAuthentications, istiod, the target's pods. */
import type { V1LabelSelector } from '@kubernetes/client-node';
import type { Canary } from '../../api/types.js';
import type { KubeClients } from '../../kube/client.js';
import { isNotFound } from '../../kube/failure.js';
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

export async function readMeshWorld(clients: KubeClients, canary: Canary): Promise<MeshWorld> {
  const namespace = namespaceOf(canary);
  const peerAuthentications: PeerAuthentication[] = [];
  for (const ns of new Set([namespace, ISTIO_ROOT_NAMESPACE])) {
    const list = (await clients.custom.listNamespacedCustomObject({
      group: PEER_AUTHENTICATION_GROUP,
      version: PEER_AUTHENTICATION_VERSION,
      plural: 'peerauthentications',
      namespace: ns,
    })) as { items: PeerAuthentication[] };
    peerAuthentications.push(...list.items);
  }
  const istiod = await clients.apps.listDeploymentForAllNamespaces({ labelSelector: 'app=istiod' });
  const istiodVersions = istiod.items.flatMap((d) => {
    const containers = d.spec?.template.spec?.containers ?? [];
    const tag = imageTag((containers.find((c) => c.name === 'discovery') ?? containers[0])?.image);
    return tag ? [tag] : [];
  });

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
  return { peerAuthentications, rootNamespace: ISTIO_ROOT_NAMESPACE, podLabels, istiodVersions, sidecars };
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
    return labelSelector(workload.spec?.selector);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function labelSelector(selector: V1LabelSelector | undefined): string | undefined {
  const labels = Object.entries(selector?.matchLabels ?? {});
  return labels.length ? labels.map(([k, v]) => `${k}=${v}`).join(',') : undefined;
}
