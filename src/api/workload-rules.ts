/**
 * What the workload fields may name: the kinds Aviary has a target and an autoscaler for (an HPA or a KEDA
 * ScaledObject on a Deployment). Flagger's CRD accepts more (a core Service target); accepting it here
 * would mean a Canary that validates and then never runs.
 */
import type { FieldProblem } from './problems.js';
import type { CanarySpec } from './types.js';

/** A targetRef naming a Knative Service (serving.knative.dev), not a core Service. */
export function isKnativeService(targetRef: CanarySpec['targetRef']): boolean {
  return targetRef.kind === 'Service' && (targetRef.apiVersion ?? '').startsWith('serving.knative.dev/');
}

export function workloadRules(spec: CanarySpec): FieldProblem[] {
  const out: FieldProblem[] = [];
  const { targetRef, autoscalerRef } = spec;
  if (targetRef.kind === 'Service' && !isKnativeService(targetRef))
    out.push({
      path: 'spec.targetRef.kind',
      message: "a core Service as the target (Flagger's ServiceController) is not supported by Aviary",
      fix: 'point targetRef at the Deployment or DaemonSet behind the Service (kind: Deployment, name: ...)',
    });
  if (autoscalerRef && targetRef.kind === 'DaemonSet')
    out.push({
      path: 'spec.autoscalerRef',
      message: 'a DaemonSet runs one pod per node; an autoscaler has no replica count to change',
      fix: 'remove autoscalerRef, or target a Deployment',
    });
  return out;
}
