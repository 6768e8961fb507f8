/** The parts of Kuma's MeshHTTPRoute (kuma.io/v1alpha1) Aviary writes, with Kuma's field names. */
import type { RoutingObject } from '../shared/routing-object.js';

export const KUMA_GROUP = 'kuma.io';
export const KUMA_VERSION = 'v1alpha1';
/** The label that puts a policy in a mesh. */
export const MESH_LABEL = 'kuma.io/mesh';

export interface KumaTargetRef {
  kind: string;
  name?: string;
  namespace?: string;
  port?: number;
  weight?: number;
}

export interface MeshHTTPRouteRule {
  matches: { path?: { type: string; value: string } }[];
  default: { backendRefs?: KumaTargetRef[] };
}

export interface MeshHTTPRouteSpec {
  targetRef?: KumaTargetRef;
  to?: { targetRef: KumaTargetRef; rules: MeshHTTPRouteRule[] }[];
}

export type MeshHTTPRoute = RoutingObject<MeshHTTPRouteSpec>;
