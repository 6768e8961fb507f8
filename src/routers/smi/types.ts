/** SMI TrafficSplit (split.smi-spec.io), field names as the SMI spec and Linkerd's/OSM's CRDs define them. */
import type { RoutingObject } from '../shared/routing-object.js';

export const SMI_GROUP = 'split.smi-spec.io';
export type SmiVersion = 'v1alpha1' | 'v1alpha2' | 'v1alpha3';

export interface TrafficSplitBackend {
  /** Name of a Kubernetes Service. */
  service: string;
  /** v1alpha1: a resource.Quantity ("90", "500m"); v1alpha2 and later: an integer. Relative, not percent. */
  weight: number | string;
}

export interface TrafficSplitSpec {
  /** The apex (root) service clients call. */
  service: string;
  backends: TrafficSplitBackend[];
}

export type TrafficSplit = RoutingObject<TrafficSplitSpec>;
