/**
 * The HorizontalPodAutoscaler as the target's autoscaler (Flagger's hpa_reconciler.go): `<hpa>-primary`
 * is a copy of the user's HPA that scales `<target>-primary`, kept in step with it. An HPA does not scale
 * a Deployment up from zero replicas, so holding the target at zero needs nothing from it.
 */
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import { AviaryError } from '../../errors.js';
import { plain, type KubeClients } from '../../kube/client.js';
import { isNotFound, toKubeError } from '../../kube/failure.js';
import type { Autoscaler, AutoscalerContext } from './autoscaler.js';
import { copyMetadata, readUserAutoscaler, reconcileCopy, type CopyApi } from './primary-copy.js';

function hpaApi(clients: KubeClients): CopyApi<V2HorizontalPodAutoscaler> {
  return {
    kind: 'HorizontalPodAutoscaler',
    async read(namespace, name) {
      try {
        return plain<V2HorizontalPodAutoscaler>(
          await clients.autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace }),
        );
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw toKubeError(err, `reading HorizontalPodAutoscaler ${namespace}/${name}`);
      }
    },
    create: (namespace, body) =>
      clients.autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace, body }),
    replace: (namespace, name, body) =>
      clients.autoscaling.replaceNamespacedHorizontalPodAutoscaler({ name, namespace, body }),
  };
}

export function primaryHpa(
  canary: Canary,
  source: V2HorizontalPodAutoscaler,
  primaryDeployment: string,
  includeLabelPrefixes?: readonly string[],
): V2HorizontalPodAutoscaler {
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
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: copyMetadata(canary, source.metadata ?? {}, includeLabelPrefixes),
    spec,
  };
}

export function hpaAutoscaler(context: AutoscalerContext, name: string): Autoscaler {
  const { clients, canary } = context;
  const api = hpaApi(clients);
  const readUsers = () => readUserAutoscaler(api, namespaceOf(canary), name);
  return {
    minReplicas: async () => (await readUsers()).spec?.minReplicas,
    async reconcilePrimary(primaryDeployment) {
      const source = await readUsers();
      await reconcileCopy(api, primaryHpa(canary, source, primaryDeployment, context.includeLabelPrefixes));
    },
    pause: () => Promise.resolve(),
    resume: () => Promise.resolve(),
  };
}
