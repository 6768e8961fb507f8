/** The part of Traefik's TraefikService (traefik.io/v1alpha1) Aviary writes, with Traefik's field names. */
import type { RoutingObject } from '../shared/routing-object.js';

export const TRAEFIK_GROUP = 'traefik.io';
export const TRAEFIK_VERSION = 'v1alpha1';

export interface WeightedService {
  /** A Kubernetes Service (the default kind) or another TraefikService. */
  name: string;
  namespace?: string;
  kind?: 'Service' | 'TraefikService';
  port?: number | string;
  /** Relative weight among the services of the round robin. */
  weight?: number;
}

export interface TraefikServiceSpec {
  weighted?: { services?: WeightedService[] };
}

export type TraefikService = RoutingObject<TraefikServiceSpec>;
