/**
 * How many replicas the canary gets when it is scaled back up. Flagger's ScaleFromZero, plus a memory:
 * when Aviary scales the target to zero it records the count it had, because `kubectl apply` of an
 * unchanged manifest does not restore `replicas` (the three-way merge sees no change).
 */
import type { V1Deployment } from '@kubernetes/client-node';

/** Annotation on the target: its replica count before Aviary scaled it to zero. */
export const REPLICAS_ANNOTATION = 'aviary.dev/replicas';

export function rememberedReplicas(target: V1Deployment): number | undefined {
  const value = Number(target.metadata?.annotations?.[REPLICAS_ANNOTATION]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

export interface ScaleUpFacts {
  target: V1Deployment;
  /** The primary, when there is one and no autoscaler decides the count. */
  primary?: V1Deployment;
  /** The target's autoscaler (HPA or ScaledObject), when autoscalerRef names one, with its minimum. */
  autoscaler?: { minReplicas?: number };
}

/** Target's own count if > 0; else the remembered count; else the primary's (no autoscaler); else the autoscaler's min; else 1. */
export function scaleUpReplicas({ target, primary, autoscaler }: ScaleUpFacts): number {
  const own = target.spec?.replicas ?? 0;
  if (own > 0) return own;
  const remembered = rememberedReplicas(target);
  if (remembered) return remembered;
  const primaryReplicas = primary?.spec?.replicas ?? 0;
  if (!autoscaler && primaryReplicas > 0) return primaryReplicas;
  return Math.max(autoscaler?.minReplicas ?? 1, 1);
}
