/**
 * NGINX Ingress: the canary Ingress `<ingressRef.name>-canary` next to the user's Ingress. Weights are
 * read back from its live annotations, and setRoutes verifies the server kept them.
 */
import type { V1IngressSpec } from '@kubernetes/client-node';
import type { Canary } from '../../api/types.js';
import { ALL_TO_PRIMARY, type Routes, type TrafficRouter } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import type { KubeClients } from '../../kube/client.js';
import { refuseUnsupported, type RouterCapabilities } from '../shared/capabilities.js';
import { GITOPS_ANNOTATIONS } from '../shared/gitops.js';
import { isOwnedBy } from '../../kube/owner.js';
import {
  customObjectApi,
  restoreTakenOver,
  routingObjectMissing,
  upsertOwned,
  verifyApplied,
  type RoutingObject,
} from '../shared/routing-object.js';
import { INGRESS_TYPE } from '../watched-kinds.js';
import {
  DEFAULT_ANNOTATION_PREFIX,
  canaryAnnotations,
  canaryAnnotationsOf,
  canaryIngressName,
  canaryIngressSpec,
  ingressRefName,
  routesOfAnnotations,
  withoutCanaryAnnotations,
} from './canary-ingress.js';
import { namespaceOf } from '../../api/defaults.js';

export const NGINX_CAPABILITIES: RouterCapabilities = { match: true, mirror: false, sessionAffinity: false };

type Ingress = RoutingObject<V1IngressSpec>;

export interface NginxRouterOptions {
  /** Annotation prefix of the controller (Flagger's -ingress-annotations-prefix). */
  annotationsPrefix?: string;
}

export function nginxRouter(clients: KubeClients, options: NginxRouterOptions = {}): TrafficRouter {
  const prefix = options.annotationsPrefix ?? DEFAULT_ANNOTATION_PREFIX;
  // Through the custom-objects API like every routing object, so the controller serves it from its watch.
  const api = customObjectApi<Ingress>(clients, INGRESS_TYPE);

  async function userIngress(canary: Canary): Promise<Ingress> {
    const name = ingressRefName(canary);
    const ingress = await api.read(namespaceOf(canary), name);
    if (!ingress)
      throw new AviaryError(
        'NOT_FOUND',
        `Ingress ${name} named by spec.ingressRef not found in ${namespaceOf(canary)} — create it (routing to the apex service) first`,
      );
    return ingress;
  }

  /** Writes the canary Ingress: the user's routing, the user's annotations, and `canary` settings. */
  async function write(
    canary: Canary,
    canarySettings: (existing: Ingress | undefined) => Record<string, string>,
  ) {
    const user = await userIngress(canary);
    const spec = canaryIngressSpec(canary, user.spec);
    return upsertOwned<V1IngressSpec, Ingress>(api, canary, canaryIngressName(canary), (existing) => ({
      spec,
      labels: { ...user.metadata.labels },
      annotations: {
        ...withoutCanaryAnnotations(user.metadata.annotations, prefix),
        ...GITOPS_ANNOTATIONS,
        ...canarySettings(existing),
      },
    }));
  }

  async function apply(canary: Canary, routes: Routes): Promise<void> {
    const settings = canaryAnnotations(canary, routes, prefix);
    const written = await write(canary, () => settings);
    verifyApplied(
      'Ingress',
      canaryIngressName(canary),
      routes,
      routesOfAnnotations(written.metadata.annotations, prefix),
    );
  }

  return {
    async reconcile(canary) {
      refuseUnsupported('nginx', NGINX_CAPABILITIES, canary);
      const allToPrimary = canaryAnnotations(canary, ALL_TO_PRIMARY, prefix);
      // Keep the live split (a reconcile must not reset a canary in progress); a new Ingress starts at 0.
      await write(canary, (existing) =>
        existing && isOwnedBy(existing.metadata.ownerReferences, canary)
          ? canaryAnnotationsOf(existing.metadata.annotations, prefix)
          : allToPrimary,
      );
    },

    async setRoutes(canary, routes) {
      refuseUnsupported('nginx', NGINX_CAPABILITIES, canary, routes);
      await apply(canary, routes);
    },

    async getRoutes(canary) {
      const name = canaryIngressName(canary);
      const ingress = await api.read(namespaceOf(canary), name);
      if (!ingress) throw routingObjectMissing('Ingress', canary, name);
      return routesOfAnnotations(ingress.metadata.annotations, prefix);
    },

    async finalize(canary) {
      const ingress = await api.read(namespaceOf(canary), canaryIngressName(canary));
      if (!ingress || (await restoreTakenOver<V1IngressSpec, Ingress>(api, ingress))) return;
      const settings = { [`${prefix}/canary`]: 'true', [`${prefix}/canary-weight`]: '0' };
      const written = await write(canary, () => settings);
      verifyApplied(
        'Ingress',
        ingress.metadata.name,
        { canaryWeight: 0, mirrored: false },
        routesOfAnnotations(written.metadata.annotations, prefix),
      );
    },
  };
}
