/**
 * Gateway API (`gatewayapi:v1`, `gatewayapi:v1beta1`): one HTTPRoute `<apex>` attached to the
 * service.gatewayRefs. Weights are read back from the live route; setRoutes verifies the server kept
 * them. A route its Gateway did not accept carries traffic nowhere, so getRoutes fails while a parent
 * says Accepted=False (as Flagger's GetRoutes does) and diagnose explains it.
 */
import { serviceNames, namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import { ALL_TO_PRIMARY, type RouteOptions, type Routes, type TrafficRouter } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import type { KubeClients } from '../../kube/client.js';
import { refuseUnsupported, type RouterCapabilities } from '../shared/capabilities.js';
import { isOwnedBy } from '../../kube/owner.js';
import { cookiesOf } from '../shared/session-cookie.js';
import {
  apexMetadata,
  customObjectApi,
  restoreTakenOver,
  routingObjectMissing,
  upsertOwned,
  verifyApplied,
} from '../shared/routing-object.js';
import { buildHTTPRouteSpec, parentRefsOf, routesOfHTTPRoute } from './http-route.js';
import {
  GATEWAY_API_GROUP,
  type GatewayApiVersion,
  type HTTPRoute,
  type HTTPRouteSpec,
  type ParentReference,
  type RouteParentStatus,
} from './types.js';

export const GATEWAY_API_CAPABILITIES: RouterCapabilities = {
  match: true,
  mirror: true,
  sessionAffinity: true,
};

export function gatewayApiRouter(clients: KubeClients, version: GatewayApiVersion = 'v1'): TrafficRouter {
  const provider = `gatewayapi:${version}`;
  const api = customObjectApi<HTTPRoute>(clients, {
    group: GATEWAY_API_GROUP,
    version,
    plural: 'httproutes',
    kind: 'HTTPRoute',
  });
  const isAB = (canary: Canary) => (canary.spec.analysis.match?.length ?? 0) > 0;

  async function apply(canary: Canary, routes: Routes, options?: RouteOptions): Promise<void> {
    const names = serviceNames(canary.spec);
    const spec = buildHTTPRouteSpec(canary, routes, options ?? cookiesOf(canary));
    const written = await upsertOwned<HTTPRouteSpec, HTTPRoute>(api, canary, names.apex, (existing) => ({
      spec,
      ...apexMetadata(canary, existing),
    }));
    verifyApplied(
      'HTTPRoute',
      names.apex,
      routes,
      routesOfHTTPRoute(written.spec, names.canary, isAB(canary)),
    );
  }

  async function read(canary: Canary): Promise<HTTPRoute | undefined> {
    return api.read(namespaceOf(canary), serviceNames(canary.spec).apex);
  }

  return {
    async reconcile(canary) {
      refuseUnsupported(provider, GATEWAY_API_CAPABILITIES, canary);
      const names = serviceNames(canary.spec);
      await upsertOwned<HTTPRouteSpec, HTTPRoute>(api, canary, names.apex, (existing) => {
        // Keep the live split (a reconcile must not reset a canary in progress); new routes start at 100/0.
        const owned = existing && isOwnedBy(existing.metadata.ownerReferences, canary);
        const current = owned ? routesOfHTTPRoute(existing.spec, names.canary, isAB(canary)) : undefined;
        return {
          spec: buildHTTPRouteSpec(canary, current ?? ALL_TO_PRIMARY, cookiesOf(canary)),
          ...apexMetadata(canary, existing),
        };
      });
    },

    async setRoutes(canary, routes, options) {
      refuseUnsupported(provider, GATEWAY_API_CAPABILITIES, canary, routes);
      await apply(canary, routes, options);
    },

    async getRoutes(canary) {
      const names = serviceNames(canary.spec);
      const route = await read(canary);
      if (!route) throw routingObjectMissing('HTTPRoute', canary, names.apex);
      const rejected = rejections(route, parentRefsOf(canary));
      if (rejected.length) {
        throw new AviaryError(
          'ROUTE_NOT_APPLIED',
          `HTTPRoute ${names.apex} is not accepted, so no traffic follows its weights: ${rejected.join('; ')}`,
        );
      }
      const routes = routesOfHTTPRoute(route.spec, names.canary, isAB(canary));
      if (!routes) throw new AviaryError('ROUTE_NOT_APPLIED', `HTTPRoute ${names.apex} has no rules`);
      return routes;
    },

    async diagnose(canary) {
      const { service } = canary.spec;
      if (!service.gatewayRefs?.length)
        return [
          'service.gatewayRefs: empty — the HTTPRoute would attach to no Gateway, so no traffic follows the weights',
        ];
      const problems: string[] = [];
      if (service.retries)
        problems.push(
          'service.retries: not applied by the Gateway API router (HTTPRoute retries are experimental)',
        );
      const route = await read(canary);
      if (route)
        problems.push(...rejections(route, parentRefsOf(canary)).map((p) => `service.gatewayRefs: ${p}`));
      return problems;
    },

    async finalize(canary) {
      const route = await read(canary);
      if (!route || (await restoreTakenOver<HTTPRouteSpec, HTTPRoute>(api, route))) return;
      await apply(canary, ALL_TO_PRIMARY, {});
    },
  };
}

/** One line per parent of ours whose Gateway reported the route not Accepted (or its refs unresolved). */
export function rejections(route: HTTPRoute, refs: ParentReference[]): string[] {
  const namespace = route.metadata.namespace;
  const problems: string[] = [];
  for (const parent of route.status?.parents ?? []) {
    const ref = refs.find((r) => sameParent(r, parent.parentRef, namespace));
    if (!ref) continue;
    for (const type of ['Accepted', 'ResolvedRefs']) {
      const condition = parent.conditions?.find((c) => c.type === type);
      if (condition && condition.status !== 'True') {
        problems.push(
          `parent ${ref.kind} ${ref.namespace ?? namespace}/${ref.name}${ref.sectionName ? `#${ref.sectionName}` : ''} reports ${type}=${condition.status}${condition.reason ? ` (${condition.reason})` : ''}${condition.message ? `: ${condition.message}` : ''}`,
        );
      }
    }
  }
  return problems;
}

function sameParent(
  ref: ParentReference,
  status: RouteParentStatus['parentRef'],
  namespace: string,
): boolean {
  return (
    ref.name === status.name &&
    (ref.namespace ?? namespace) === (status.namespace ?? namespace) &&
    ref.kind === (status.kind ?? 'Gateway') &&
    ref.group === (status.group ?? GATEWAY_API_GROUP) &&
    (ref.sectionName ?? '') === (status.sectionName ?? '')
  );
}
