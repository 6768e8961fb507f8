/**
 * The primary's HorizontalPodAutoscaler (Flagger's hpa_reconciler.go): `<hpa>-primary`, a copy of the
 * HPA named by autoscalerRef that scales `<target>-primary`, kept in step with the user's HPA.
 */
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { Canary } from '../../api/types.js';
import { AviaryError } from '../../errors.js';
import { plain, type KubeClients } from '../../kube/client.js';
import { isNotFound, retryOnConflict, toKubeError } from '../../kube/failure.js';
import { ownerReferenceTo } from '../../routers/shared/owner.js';
import { digest } from './digest.js';
import { copyableAnnotations, copyableLabels, primaryName } from './metadata.js';
import { namespaceOf } from '../../api/defaults.js';

/** The HPA autoscalerRef names, or undefined without one. ScaledObject (KEDA) is not supported yet. */
export async function readTargetHpa(
  clients: KubeClients,
  canary: Canary,
  namespace: string,
): Promise<V2HorizontalPodAutoscaler | undefined> {
  const ref = canary.spec.autoscalerRef;
  if (!ref) return undefined;
  if (ref.kind !== 'HorizontalPodAutoscaler')
    throw new AviaryError(
      'INVALID_SPEC',
      `autoscalerRef kind ${ref.kind} is not supported by the Deployment target yet — use a HorizontalPodAutoscaler (autoscaling/v2)`,
    );
  return readHpa(clients, namespace, ref.name, true);
}

async function readHpa(
  clients: KubeClients,
  namespace: string,
  name: string,
  required: boolean,
): Promise<V2HorizontalPodAutoscaler | undefined> {
  try {
    return plain<V2HorizontalPodAutoscaler>(
      await clients.autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace }),
    );
  } catch (err) {
    if (!isNotFound(err)) throw toKubeError(err, `reading HorizontalPodAutoscaler ${namespace}/${name}`);
    if (!required) return undefined;
    throw new AviaryError(
      'NOT_FOUND',
      `HorizontalPodAutoscaler ${namespace}/${name} named by autoscalerRef not found — create it or remove autoscalerRef`,
    );
  }
}

export function primaryHpa(canary: Canary, source: V2HorizontalPodAutoscaler, primaryDeployment: string) {
  const overrides = canary.spec.autoscalerRef?.primaryScalerReplicas ?? {};
  const spec = structuredClone(source.spec);
  if (!spec)
    throw new AviaryError(
      'INVALID_SPEC',
      `HorizontalPodAutoscaler ${source.metadata?.name ?? '?'} has no spec`,
    );
  spec.scaleTargetRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: primaryDeployment };
  if (overrides.minReplicas !== undefined) spec.minReplicas = overrides.minReplicas;
  if (overrides.maxReplicas !== undefined) spec.maxReplicas = overrides.maxReplicas;
  const hpa: V2HorizontalPodAutoscaler = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: primaryName(source.metadata?.name ?? ''),
      namespace: source.metadata?.namespace,
      labels: copyableLabels(source.metadata?.labels),
      annotations: copyableAnnotations(source.metadata?.annotations),
      ownerReferences: ownerReferenceTo(canary),
    },
    spec,
  };
  return hpa;
}

const managedContent = (hpa: V2HorizontalPodAutoscaler) =>
  digest({
    spec: hpa.spec,
    labels: hpa.metadata?.labels ?? {},
    annotations: hpa.metadata?.annotations ?? {},
  });

/** Creates `<hpa>-primary`, or updates it when the user's HPA changed; unchanged objects are not written. */
export async function reconcilePrimaryHpa(
  clients: KubeClients,
  canary: Canary,
  source: V2HorizontalPodAutoscaler,
  primaryDeployment: string,
): Promise<void> {
  const desired = primaryHpa(canary, source, primaryDeployment);
  const namespace = desired.metadata?.namespace ?? namespaceOf(canary);
  const name = desired.metadata?.name ?? '';
  try {
    await retryOnConflict(async () => {
      const existing = await readHpa(clients, namespace, name, false);
      if (!existing) {
        await clients.autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace, body: desired });
        return;
      }
      if (managedContent(existing) === managedContent(desired)) return;
      const body: V2HorizontalPodAutoscaler = {
        ...desired,
        metadata: { ...desired.metadata, resourceVersion: existing.metadata?.resourceVersion },
      };
      await clients.autoscaling.replaceNamespacedHorizontalPodAutoscaler({ name, namespace, body });
    });
  } catch (err) {
    if (err instanceof AviaryError) throw err;
    throw toKubeError(err, `writing HorizontalPodAutoscaler ${namespace}/${name}`);
  }
}
