/**
 * The Kubernetes workload target for any Canary: each call goes to the target for the Canary's
 * `targetRef` (Deployment, DaemonSet, core Service or Knative Service, as Flagger's factory picks its
 * controller). Kinds without a target are refused by `aviary validate`; one that still arrives here is an
 * INVALID_SPEC naming the fix.
 */
import type { Canary } from '../../api/types.js';
import type { WorkloadTarget } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import type { KubeClients } from '../../kube/client.js';
import { isKnativeService } from '../../api/workload-rules.js';
import { knativeTarget } from '../knative/index.js';
import { daemonSetTarget } from './daemonset-target.js';
import { deploymentTarget, type DeploymentTargetOptions } from './deployment-target.js';
import { serviceTarget } from './service-target.js';

export function kubernetesWorkloadTarget(
  clients: KubeClients,
  options: DeploymentTargetOptions = {},
): WorkloadTarget {
  const targets: Record<string, WorkloadTarget> = {
    Deployment: deploymentTarget(clients, options),
    DaemonSet: daemonSetTarget(clients, options),
    Service: serviceTarget(clients, options),
  };
  const knative = knativeTarget(clients);
  const targetFor = (canary: Canary): WorkloadTarget => {
    if (isKnativeService(canary.spec.targetRef)) return knative;
    const kind = canary.spec.targetRef.kind;
    const target = targets[kind];
    if (!target)
      throw new AviaryError(
        'INVALID_SPEC',
        `spec.targetRef.kind ${kind} has no Kubernetes target — point targetRef at a Deployment, a DaemonSet or a Service`,
      );
    return target;
  };
  return {
    initialize: (canary) => targetFor(canary).initialize(canary),
    revision: (canary) => targetFor(canary).revision(canary),
    primaryReadiness: (canary) => targetFor(canary).primaryReadiness(canary),
    canaryReadiness: (canary) => targetFor(canary).canaryReadiness(canary),
    scaleCanaryUp: (canary) => targetFor(canary).scaleCanaryUp(canary),
    scaleCanaryToZero: (canary) => targetFor(canary).scaleCanaryToZero(canary),
    promote: (canary) => targetFor(canary).promote(canary),
    finalize: (canary) => targetFor(canary).finalize(canary),
  };
}
