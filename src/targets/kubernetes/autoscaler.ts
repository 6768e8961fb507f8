/**
 * The user's autoscaler as the Deployment target uses it (Flagger's ScalerReconciler): an HPA or a KEDA
 * ScaledObject behind one interface, picked by `autoscalerRef.kind`. Aviary owns a `<name>-primary` copy
 * that scales the primary, and holds the user's one still while the target is scaled to zero.
 */
import type { Canary } from '../../api/types.js';
import { AviaryError } from '../../errors.js';
import type { KubeClients } from '../../kube/client.js';
import { hpaAutoscaler } from './primary-hpa.js';
import { scaledObjectAutoscaler } from './primary-scaled-object.js';

export interface Autoscaler {
  /** The user's minimum (HPA minReplicas, ScaledObject minReplicaCount): the canary's size from zero. */
  minReplicas(): Promise<number | undefined>;
  /** Creates `<name>-primary` scaling `primaryDeployment`, or updates it where the user's one differs. */
  reconcilePrimary(primaryDeployment: string): Promise<void>;
  /** Keeps the user's autoscaler from scaling the target up while Aviary holds it at zero. */
  pause(): Promise<void>;
  /** Gives the target back to the user's autoscaler. */
  resume(): Promise<void>;
}

export interface AutoscalerContext {
  clients: KubeClients;
  canary: Canary;
  /** -include-label-prefix: the user's labels carried onto the copy (default: all). */
  includeLabelPrefixes?: readonly string[];
}

const KINDS: Record<string, (context: AutoscalerContext, name: string) => Autoscaler> = {
  HorizontalPodAutoscaler: hpaAutoscaler,
  ScaledObject: scaledObjectAutoscaler,
};

/** The autoscaler `autoscalerRef` names, or undefined without one. */
export function autoscalerFor(context: AutoscalerContext): Autoscaler | undefined {
  const ref = context.canary.spec.autoscalerRef;
  if (!ref) return undefined;
  const make = KINDS[ref.kind];
  if (!make)
    throw new AviaryError(
      'INVALID_SPEC',
      `spec.autoscalerRef.kind ${ref.kind} is not an autoscaler Aviary runs — use HorizontalPodAutoscaler or ScaledObject`,
    );
  return make(context, ref.name);
}
