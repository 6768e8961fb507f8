/**
 * The Istio router: a VirtualService `<apex>` and DestinationRules `<apex>-primary` / `<apex>-canary`.
 * Weights are always read back from the live VirtualService, and `setRoutes` verifies that the API
 * server holds what it wrote, so a weight that did not apply is an error, never a silent step.
 */
import { serviceNames, namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import { ALL_TO_PRIMARY, type RouteOptions, type Routes, type TrafficRouter } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import type { KubeClients } from '../../kube/client.js';
import { isOwnedBy } from '../../kube/owner.js';
import { sharedReads } from '../../kube/shared-reads.js';
import { cookiesOf } from '../shared/session-cookie.js';
import {
  apexMetadata,
  customObjectApi,
  restoreTakenOver,
  routingObjectMissing,
  upsertOwned,
  verifyApplied,
} from '../shared/routing-object.js';
import { meshProblems } from './mesh-preflight.js';
import { routingProblems, type IstioGateway, type RoutingProblem } from './preflight.js';
import { labelSelector, meshWorldReader, SHARED_READ_TTL_MS } from './read-mesh.js';
import { buildVirtualServiceSpec, isTcp, routesOf } from './virtual-service.js';
import {
  ISTIO_GROUP,
  ISTIO_VERSION,
  type DestinationRule,
  type DestinationRuleSpec,
  type VirtualService,
  type VirtualServiceSpec,
} from './types.js';

export function istioRouter(clients: KubeClients): TrafficRouter {
  const type = (plural: string, kind: string) => ({
    group: ISTIO_GROUP,
    version: ISTIO_VERSION,
    plural,
    kind,
  });
  const virtualServices = customObjectApi<VirtualService>(clients, type('virtualservices', 'VirtualService'));
  const destinationRules = customObjectApi<DestinationRule>(
    clients,
    type('destinationrules', 'DestinationRule'),
  );
  const readMeshWorld = meshWorldReader(clients);
  const readVirtualService = (canary: Canary) =>
    virtualServices.read(namespaceOf(canary), serviceNames(canary.spec).apex);

  /** Writes the VirtualService for `routes` with service.apex metadata; returns what the server holds. */
  function writeVirtualService(
    canary: Canary,
    routes: (existing: VirtualService | undefined) => Routes,
    options: RouteOptions,
  ): Promise<VirtualService> {
    return upsertOwned<VirtualServiceSpec, VirtualService>(
      virtualServices,
      canary,
      serviceNames(canary.spec).apex,
      (existing) => ({
        spec: buildVirtualServiceSpec(canary, routes(existing), options),
        ...apexMetadata(canary, existing),
      }),
    );
  }

  // Gateways and the pods their selectors match are the same for every canary behind them: shared for
  // a while (a controller restarted on thousands of canaries preflights them all within minutes).
  const gatewaysIn = sharedReads(SHARED_READ_TTL_MS, async (namespace) => {
    const list = (await clients.custom.listNamespacedCustomObject({
      group: ISTIO_GROUP,
      version: ISTIO_VERSION,
      namespace,
      plural: 'gateways',
    })) as { items: IstioGateway[] };
    return list.items;
  });
  // Istio binds a Gateway to the pods its selector matches in any namespace: one pod is enough to know.
  const podsSelectedBy = sharedReads(SHARED_READ_TTL_MS, async (labelSelector) => {
    const pods = await clients.core.listPodForAllNamespaces({ labelSelector, limit: 1 });
    return pods.items.map((pod) => pod.metadata?.labels ?? {});
  });

  /** Gateways, hosts and URI prefixes that would keep the rules from taking effect (preflight.ts). */
  async function gatewayProblems(canary: Canary): Promise<RoutingProblem[]> {
    const refs = (canary.spec.service.gateways ?? []).filter((g) => g !== 'mesh');
    const namespace = namespaceOf(canary);
    const gateways: IstioGateway[] = [];
    for (const ns of new Set(refs.map((ref) => gatewayNamespace(ref, namespace)))) {
      gateways.push(...(await gatewaysIn(ns)));
    }
    const podLabels: Record<string, string>[] = [];
    const selectors = new Set(gateways.map((g) => labelSelector(g.spec.selector)));
    for (const selector of selectors) if (selector) podLabels.push(...(await podsSelectedBy(selector)));
    return routingProblems(canary, { gateways, podLabels });
  }

  return {
    async reconcile(canary) {
      refuseUnexpressible(canary);
      const names = serviceNames(canary.spec);
      const trafficPolicy = canary.spec.service.trafficPolicy;
      for (const host of [names.primary, names.canary]) {
        await upsertOwned<DestinationRuleSpec, DestinationRule>(destinationRules, canary, host, () => ({
          spec: { host, ...(trafficPolicy ? { trafficPolicy } : {}) },
        }));
      }
      // Keep the live split (a reconcile must not reset a canary in progress); new objects start at 100/0.
      await writeVirtualService(
        canary,
        (existing) => {
          const owned = existing && isOwnedBy(existing.metadata.ownerReferences, canary);
          return (owned && routesOf(existing.spec, names.canary)) || ALL_TO_PRIMARY;
        },
        cookiesOf(canary),
      );
    },

    async setRoutes(canary, routes, options) {
      refuseUnexpressible(canary);
      const names = serviceNames(canary.spec);
      const written = await writeVirtualService(canary, () => routes, options ?? cookiesOf(canary));
      verifyApplied('VirtualService', names.apex, routes, routesOf(written.spec, names.canary));
    },

    async getRoutes(canary) {
      const names = serviceNames(canary.spec);
      const vs = await readVirtualService(canary);
      if (!vs) throw routingObjectMissing('VirtualService', canary, names.apex);
      const routes = routesOf(vs.spec, names.canary);
      if (!routes)
        throw new AviaryError('ROUTE_NOT_APPLIED', `VirtualService ${names.apex} has no route to the canary`);
      return routes;
    },

    async diagnose(canary) {
      const problems = [
        ...(await gatewayProblems(canary)),
        ...meshProblems(canary, await readMeshWorld(canary)),
      ];
      return problems.map((p) => `${p.field}: ${p.message}`);
    },

    async finalize(canary) {
      const vs = await readVirtualService(canary);
      if (!vs || (await restoreTakenOver<VirtualServiceSpec, VirtualService>(virtualServices, vs))) return;
      // Aviary created it: route everything to the primary Service (which keeps working without Aviary).
      await this.setRoutes(canary, ALL_TO_PRIMARY);
    },
  };
}

/** `ns/name`, `name.ns` or `name` (the canary's namespace), as Istio resolves gateway references. */
function gatewayNamespace(ref: string, namespace: string): string {
  if (ref.includes('/')) return ref.split('/')[0] ?? namespace;
  return ref.includes('.') ? (ref.split('.')[1] ?? namespace) : namespace;
}

/** An Istio TCP route has no HTTP matching, mirroring or headers: a Canary asking for them is refused. */
function refuseUnexpressible(canary: Canary): void {
  if (!isTcp(canary)) return;
  const { analysis } = canary.spec;
  const asked = [
    (analysis.match?.length ?? 0) > 0 && 'analysis.match',
    analysis.mirror && 'analysis.mirror',
    analysis.sessionAffinity && 'analysis.sessionAffinity',
  ].filter(Boolean);
  if (asked.length)
    throw new AviaryError(
      'INVALID_SPEC',
      `service.appProtocol is tcp: Istio routes the service by weight only, so ${asked.join(', ')} cannot apply (canary ${namespaceOf(canary)}/${canary.metadata.name}) — remove ${asked.join(', ')} or serve HTTP`,
    );
}
