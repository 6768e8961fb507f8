/**
 * The parts of Gateway API's HTTPRoute (gateway.networking.k8s.io) Aviary writes, typed with the API's
 * field names. Fields the API server would default (parentRef group/kind, backendRef group/kind, match
 * path) are always written explicitly, so a reconcile compares like with like.
 */
import type { RoutingObject } from '../shared/routing-object.js';

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
export type GatewayApiVersion = 'v1' | 'v1beta1';

export interface ParentReference {
  group: string;
  kind: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface HTTPPathMatch {
  type: 'Exact' | 'PathPrefix' | 'RegularExpression';
  value: string;
}

export interface HTTPValueMatch {
  type: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface HTTPRouteMatch {
  path: HTTPPathMatch;
  headers?: HTTPValueMatch[];
  queryParams?: HTTPValueMatch[];
  method?: string;
}

export interface HTTPHeader {
  name: string;
  value: string;
}

export interface HTTPHeaderFilter {
  set?: HTTPHeader[];
  add?: HTTPHeader[];
  remove?: string[];
}

export interface BackendObjectReference {
  group: string;
  kind: string;
  name: string;
  namespace?: string;
  port: number;
}

/** Gateway API's HTTPCORSFilter (standard channel since v1.5; maxAge in seconds). */
export interface HTTPCORSFilter {
  allowOrigins?: string[];
  allowMethods?: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  allowCredentials?: boolean;
  maxAge?: number;
}

export type HTTPRouteFilter =
  | { type: 'CORS'; cors: HTTPCORSFilter }
  | { type: 'RequestHeaderModifier'; requestHeaderModifier: HTTPHeaderFilter }
  | { type: 'ResponseHeaderModifier'; responseHeaderModifier: HTTPHeaderFilter }
  | { type: 'RequestMirror'; requestMirror: { backendRef: BackendObjectReference; percent?: number } }
  | {
      type: 'URLRewrite';
      urlRewrite: {
        hostname?: string;
        path?: {
          type: 'ReplaceFullPath' | 'ReplacePrefixMatch';
          replaceFullPath?: string;
          replacePrefixMatch?: string;
        };
      };
    };

export interface HTTPBackendRef extends BackendObjectReference {
  weight: number;
  filters?: HTTPRouteFilter[];
}

export interface HTTPRouteRule {
  matches: HTTPRouteMatch[];
  filters?: HTTPRouteFilter[];
  backendRefs: HTTPBackendRef[];
  timeouts?: { request?: string; backendRequest?: string };
}

export interface HTTPRouteSpec {
  parentRefs: ParentReference[];
  hostnames?: string[];
  rules: HTTPRouteRule[];
}

export interface RouteParentStatus {
  parentRef: Partial<ParentReference>;
  controllerName?: string;
  conditions?: {
    type: string;
    status: string;
    reason?: string;
    message?: string;
    observedGeneration?: number;
  }[];
}

export type HTTPRoute = RoutingObject<HTTPRouteSpec> & { status?: { parents?: RouteParentStatus[] } };
