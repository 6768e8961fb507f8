/**
 * What the workload fields may name: the kinds Aviary has a target and an autoscaler for (an HPA or a KEDA
 * ScaledObject on a Deployment), and, for a core Service target, the service fields Flagger ignores for
 * it (the copies take everything from the target Service), refused rather than silently dropped.
 */
import type { FieldProblem } from './problems.js';
import type { CanarySpec } from './types.js';

/** A targetRef naming a Knative Service (serving.knative.dev), not a core Service. */
export function isKnativeService(targetRef: CanarySpec['targetRef']): boolean {
  return targetRef.kind === 'Service' && (targetRef.apiVersion ?? '').startsWith('serving.knative.dev/');
}

/** A targetRef naming a core Service (Flagger's ServiceController): Aviary copies it, no pods are its own. */
export function isCoreService(targetRef: CanarySpec['targetRef']): boolean {
  return targetRef.kind === 'Service' && !isKnativeService(targetRef);
}

/** service fields that shape the Services Aviary generates for a workload; a Service target has its own. */
const GENERATED_SERVICE_FIELDS = [
  'portDiscovery',
  'targetPort',
  'headless',
  'primary',
  'canary',
  'unmanagedMetadata',
] as const;

function serviceTargetRules(spec: CanarySpec): FieldProblem[] {
  const out: FieldProblem[] = [];
  const name = spec.targetRef.name;
  const service = spec.service as Partial<CanarySpec['service']> | undefined;
  if (service?.name !== undefined && service.name !== name)
    out.push({
      path: 'spec.service.name',
      message: `with a Service target the copies are ${name}-primary and ${name}-canary, so routing to ${service.name}-primary and ${service.name}-canary would reach nothing`,
      fix: `remove service.name, or set it to ${name}`,
    });
  for (const field of GENERATED_SERVICE_FIELDS)
    if (service?.[field] !== undefined)
      out.push({
        path: `spec.service.${field}`,
        message: `with a Service target, ${name}-primary and ${name}-canary are copies of Service ${name} (ports, selector, labels and annotations), so service.${field} would be ignored`,
        fix: `remove it and set what you need on Service ${name} itself`,
      });
  if (spec.autoscalerRef)
    out.push({
      path: 'spec.autoscalerRef',
      message: 'a Service target has no replicas of its own to scale: the workloads behind it are yours',
      fix: 'remove autoscalerRef and autoscale the workloads the Service points at',
    });
  return out;
}

export function workloadRules(spec: CanarySpec): FieldProblem[] {
  if (isCoreService(spec.targetRef)) return serviceTargetRules(spec);
  if (spec.autoscalerRef && spec.targetRef.kind === 'DaemonSet')
    return [
      {
        path: 'spec.autoscalerRef',
        message: 'a DaemonSet runs one pod per node; an autoscaler has no replica count to change',
        fix: 'remove autoscalerRef, or target a Deployment',
      },
    ];
  return [];
}
