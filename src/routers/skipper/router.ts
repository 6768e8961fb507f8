/**
 * Skipper: the canary Ingress `<ingressRef.name>-canary` beside the user's Ingress, weights in its
 * annotations. Weights only, as in Flagger (no A/B match, mirror or session affinity: refused).
 */
import type { V1IngressSpec } from '@kubernetes/client-node';
import type { TrafficRouter } from '../../engine/ports.js';
import type { KubeClients } from '../../kube/client.js';
import { WEIGHTS_ONLY } from '../entry.js';
import { GITOPS_ANNOTATIONS } from '../shared/gitops.js';
import { customObjectApi, type RoutingObject } from '../shared/routing-object.js';
import { readUserObject } from '../shared/user-ref.js';
import { weightedObjectRouter } from '../shared/weighted-object-router.js';
import { INGRESS_TYPE } from '../watched-kinds.js';
import {
  routesOfSkipperAnnotations,
  skipperAnnotations,
  skipperCanaryIngressName,
  skipperIngressSpec,
} from './canary-ingress.js';

export const SKIPPER_CAPABILITIES = WEIGHTS_ONLY;

type Ingress = RoutingObject<V1IngressSpec>;

export function skipperRouter(clients: KubeClients): TrafficRouter {
  const api = customObjectApi<Ingress>(clients, INGRESS_TYPE);

  return weightedObjectRouter<V1IngressSpec, Ingress>({
    provider: 'skipper',
    capabilities: SKIPPER_CAPABILITIES,
    api,
    name: skipperCanaryIngressName,
    async build(canary, routes) {
      const user = await readUserObject(api, canary, 'ingressRef', 'skipper');
      return {
        spec: skipperIngressSpec(canary, user.spec),
        labels: { ...user.metadata.labels },
        annotations: {
          ...skipperAnnotations(canary, routes, user.metadata.annotations),
          ...GITOPS_ANNOTATIONS,
        },
      };
    },
    routesOf: (ingress, canary) => routesOfSkipperAnnotations(canary, ingress.metadata.annotations),
  });
}
