/**
 * Contour: an HTTPProxy `<apex>` that the user's root HTTPProxy includes. Weights are read back from
 * the live proxy and setRoutes verifies the server kept them. A proxy Contour marked invalid serves
 * nothing, so getRoutes fails on it; diagnose also reports a proxy no root includes (orphaned).
 */
import { serviceNames, namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import { ALL_TO_PRIMARY, type Routes, type TrafficRouter } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import type { KubeClients } from '../../kube/client.js';
import { refuseUnsupported, type RouterCapabilities } from '../shared/capabilities.js';
import { isOwnedBy } from '../../kube/owner.js';
import {
  apexMetadata,
  customObjectApi,
  restoreTakenOver,
  routingObjectMissing,
  upsertOwned,
  verifyApplied,
} from '../shared/routing-object.js';
import { buildHTTPProxySpec, routesOfHTTPProxy, type HTTPProxyOptions } from './http-proxy.js';
import { CONTOUR_GROUP, CONTOUR_VERSION, type HTTPProxy, type HTTPProxySpec } from './types.js';

export const CONTOUR_CAPABILITIES: RouterCapabilities = {
  match: true,
  mirror: false,
  sessionAffinity: false,
};

export function contourRouter(clients: KubeClients, options: HTTPProxyOptions = {}): TrafficRouter {
  const api = customObjectApi<HTTPProxy>(clients, {
    group: CONTOUR_GROUP,
    version: CONTOUR_VERSION,
    plural: 'httpproxies',
    kind: 'HTTPProxy',
  });
  const read = (canary: Canary) => api.read(namespaceOf(canary), serviceNames(canary.spec).apex);

  async function apply(canary: Canary, routes: Routes): Promise<void> {
    const names = serviceNames(canary.spec);
    const spec = buildHTTPProxySpec(canary, routes, options);
    const written = await upsertOwned<HTTPProxySpec, HTTPProxy>(api, canary, names.apex, (existing) => ({
      spec,
      ...apexMetadata(canary, existing),
    }));
    verifyApplied('HTTPProxy', names.apex, routes, routesOfHTTPProxy(written.spec, names.canary));
  }

  return {
    async reconcile(canary) {
      refuseUnsupported('contour', CONTOUR_CAPABILITIES, canary);
      const names = serviceNames(canary.spec);
      await upsertOwned<HTTPProxySpec, HTTPProxy>(api, canary, names.apex, (existing) => {
        const owned = existing && isOwnedBy(existing.metadata.ownerReferences, canary);
        const current = owned ? routesOfHTTPProxy(existing.spec, names.canary) : undefined;
        return {
          spec: buildHTTPProxySpec(canary, current ?? ALL_TO_PRIMARY, options),
          ...apexMetadata(canary, existing),
        };
      });
    },

    async setRoutes(canary, routes) {
      refuseUnsupported('contour', CONTOUR_CAPABILITIES, canary, routes);
      await apply(canary, routes);
    },

    async getRoutes(canary) {
      const names = serviceNames(canary.spec);
      const proxy = await read(canary);
      if (!proxy) throw routingObjectMissing('HTTPProxy', canary, names.apex);
      if (proxy.status?.currentStatus === 'invalid')
        throw new AviaryError(
          'ROUTE_NOT_APPLIED',
          `HTTPProxy ${names.apex} is invalid, so Contour serves none of its routes: ${proxy.status.description ?? 'no description'}`,
        );
      const routes = routesOfHTTPProxy(proxy.spec, names.canary);
      if (!routes)
        throw new AviaryError('ROUTE_NOT_APPLIED', `HTTPProxy ${names.apex} has no weighted route`);
      return routes;
    },

    async diagnose(canary) {
      const names = serviceNames(canary.spec);
      const proxy = await read(canary);
      const status = proxy?.status?.currentStatus;
      if (status === 'orphaned')
        return [
          `HTTPProxy ${names.apex}: orphaned — no root HTTPProxy includes it, so ingress traffic does not follow the weights; add includes: [{name: ${names.apex}, namespace: ${namespaceOf(canary)}}] to the root HTTPProxy of your host`,
        ];
      if (status === 'invalid')
        return [`HTTPProxy ${names.apex}: invalid — ${proxy?.status?.description ?? ''}`];
      return [];
    },

    async finalize(canary) {
      const proxy = await read(canary);
      if (!proxy || (await restoreTakenOver<HTTPProxySpec, HTTPProxy>(api, proxy))) return;
      await apply(canary, ALL_TO_PRIMARY);
    },
  };
}
