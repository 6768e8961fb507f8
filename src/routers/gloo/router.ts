/**
 * Gloo Edge: the RouteTable `<apex>` (weights, and A/B matchers) that the user's VirtualService
 * delegates to, over two Upstreams Aviary owns on the primary and canary Services. No mirror or session
 * affinity, as in Flagger (refused, never ignored).
 */
import { serviceNames, namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import type { TrafficRouter } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import type { KubeClients } from '../../kube/client.js';
import { toKubeError } from '../../kube/failure.js';
import { WEIGHTS_ONLY } from '../entry.js';
import { customObjectApi, upsertOwned } from '../shared/routing-object.js';
import { apexObjectRouter } from '../shared/weighted-object-router.js';
import { buildRouteTableSpec, routesOfRouteTable, upstreamNames, upstreamSpec } from './route-table.js';
import {
  GLOO_GATEWAY_GROUP,
  GLOO_GROUP,
  GLOO_VERSION,
  type RouteTable,
  type RouteTableSpec,
  type Upstream,
  type UpstreamSpec,
} from './types.js';

export const GLOO_CAPABILITIES = { ...WEIGHTS_ONLY, match: true };

export function glooRouter(clients: KubeClients): TrafficRouter {
  const upstreams = customObjectApi<Upstream>(clients, {
    group: GLOO_GROUP,
    version: GLOO_VERSION,
    plural: 'upstreams',
    kind: 'Upstream',
  });
  const table = apexObjectRouter<RouteTableSpec, RouteTable>(
    clients,
    { group: GLOO_GATEWAY_GROUP, version: GLOO_VERSION, plural: 'routetables', kind: 'RouteTable' },
    {
      provider: 'gloo',
      capabilities: GLOO_CAPABILITIES,
      build: (canary, routes) => ({ spec: buildRouteTableSpec(canary, routes) }),
      routesOf: (routeTable, canary) => routesOfRouteTable(canary, routeTable.spec),
    },
  );

  /** The selector of a Service the controller created (Flagger copies it onto the Upstream). */
  async function selectorOf(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    try {
      return (await clients.core.readNamespacedService({ name, namespace })).spec?.selector;
    } catch (err) {
      throw toKubeError(err, `reading Service ${namespace}/${name} for its Gloo Upstream`);
    }
  }

  /** spec.upstreamRef: an Upstream whose settings (load balancing, TLS, ...) the two Upstreams copy. */
  async function configUpstream(canary: Canary): Promise<Record<string, unknown> | undefined> {
    const ref = canary.spec.upstreamRef as { name?: string; namespace?: string } | undefined;
    if (!ref?.name) return undefined;
    const namespace = ref.namespace ?? namespaceOf(canary);
    const upstream = await upstreams.read(namespace, ref.name);
    if (!upstream)
      throw new AviaryError(
        'NOT_FOUND',
        `Upstream ${namespace}/${ref.name} named by spec.upstreamRef not found — create it or remove upstreamRef`,
      );
    return upstream.spec;
  }

  async function reconcileUpstreams(canary: Canary): Promise<void> {
    const namespace = namespaceOf(canary);
    const services = serviceNames(canary.spec);
    const names = upstreamNames(canary);
    const config = await configUpstream(canary);
    for (const [upstream, service] of [
      [names.primary, services.primary],
      [names.canary, services.canary],
    ] as const) {
      const spec = upstreamSpec(canary, service, await selectorOf(namespace, service), config);
      await upsertOwned<UpstreamSpec, Upstream>(upstreams, canary, upstream, () => ({ spec }));
    }
  }

  return {
    ...table,
    async reconcile(canary) {
      await reconcileUpstreams(canary);
      await table.reconcile(canary);
    },
  };
}
