/**
 * The three ClusterIP Services of a Canary (Flagger's kubernetes_default.go):
 * `<apex>` and `<apex>-primary` select the primary's pods, `<apex>-canary` the target's. The apex
 * never selects canary pods: traffic reaches the canary only through a mesh/ingress or `<apex>-canary`.
 */
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import { serviceNames, namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import type { SelectorLabel } from '../../kube/selector-label.js';
import { GITOPS_ANNOTATIONS } from '../shared/gitops.js';
import { ownerReferenceTo } from '../../kube/owner.js';

export type ServiceRole = 'apex' | 'primary' | 'canary';
export const SERVICE_ROLES: readonly ServiceRole[] = ['apex', 'primary', 'canary'];

export function serviceName(canary: Canary, role: ServiceRole): string {
  return serviceNames(canary.spec)[role];
}

export function selectorFor(role: ServiceRole, selector: SelectorLabel): Record<string, string> {
  return { [selector.label]: role === 'canary' ? selector.value : `${selector.value}-primary` };
}

export function desiredService(
  canary: Canary,
  role: ServiceRole,
  selector: SelectorLabel,
  ports: V1ServicePort[],
): V1Service {
  const name = serviceName(canary, role);
  const custom = canary.spec.service[role];
  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: namespaceOf(canary),
      labels: { ...custom?.labels, [selector.label]: name },
      annotations: { ...custom?.annotations, ...GITOPS_ANNOTATIONS },
      ownerReferences: ownerReferenceTo(canary),
    },
    spec: {
      type: 'ClusterIP',
      selector: selectorFor(role, selector),
      ports,
    },
  };
  if (canary.spec.service.headless && service.spec) service.spec.clusterIP = 'None';
  if (canary.spec.service.trafficDistribution && service.spec)
    service.spec.trafficDistribution = canary.spec.service.trafficDistribution;
  return service;
}
