/**
 * The parts of Gloo Edge's RouteTable (gateway.solo.io/v1) and Upstream (gloo.solo.io/v1) Aviary
 * writes, with Gloo's field names.
 */
import type { RoutingObject } from '../shared/routing-object.js';

export const GLOO_GATEWAY_GROUP = 'gateway.solo.io';
export const GLOO_GROUP = 'gloo.solo.io';
export const GLOO_VERSION = 'v1';

export interface ResourceRef {
  name: string;
  namespace: string;
}

export interface GlooHeaderMatcher {
  name: string;
  value?: string;
  regex?: boolean;
}

export interface GlooMatcher {
  headers?: GlooHeaderMatcher[];
  queryParameters?: GlooHeaderMatcher[];
  methods?: string[];
}

export interface WeightedDestination {
  destination: { upstream: ResourceRef };
  weight: number;
}

export interface GlooRoute {
  matchers?: GlooMatcher[];
  /** Keep the path matchers of the VirtualService that delegates to this table. */
  inheritablePathMatchers?: boolean;
  routeAction: { multi?: { destinations: WeightedDestination[] }; single?: { upstream: ResourceRef } };
}

export interface RouteTableSpec {
  routes: GlooRoute[];
}

export type RouteTable = RoutingObject<RouteTableSpec>;

export interface UpstreamSpec {
  kube: {
    serviceName: string;
    serviceNamespace: string;
    servicePort: number;
    selector?: Record<string, string>;
  };
  /** Settings copied from the Canary's upstreamRef (load balancing, TLS, circuit breakers, ...). */
  [field: string]: unknown;
}

export type Upstream = RoutingObject<UpstreamSpec>;
