/**
 * The parts of Istio's networking.istio.io API that Aviary writes, typed (field names as Istio's CRDs
 * define them). Everything Aviary passes through from the Canary spec keeps Istio's shape.
 */
import type { HTTPMatchRequest, StringMatch } from '../../api/types.js';

export const ISTIO_GROUP = 'networking.istio.io';
export const ISTIO_VERSION = 'v1beta1';

export interface PortSelector {
  number: number;
}

export interface Destination {
  host: string;
  port?: PortSelector;
}

export interface HeaderOperations {
  set?: Record<string, string>;
  add?: Record<string, string>;
  remove?: string[];
}

export interface HTTPRouteDestination {
  destination: Destination;
  weight: number;
  headers?: { request?: HeaderOperations; response?: HeaderOperations };
}

export interface HTTPRoute {
  /** Aviary names its rules so it can find the weighted one when reading routes back. */
  name?: string;
  match?: HTTPMatchRequest[];
  route: HTTPRouteDestination[];
  rewrite?: { uri?: string; authority?: string };
  timeout?: string;
  retries?: { attempts?: number; perTryTimeout?: string; retryOn?: string };
  corsPolicy?: Record<string, unknown>;
  headers?: { request?: HeaderOperations; response?: HeaderOperations };
  mirror?: Destination;
  mirrorPercentage?: { value: number };
}

export interface VirtualServiceSpec {
  hosts: string[];
  gateways: string[];
  http: HTTPRoute[];
}

export interface DestinationRuleSpec {
  host: string;
  trafficPolicy?: Record<string, unknown>;
}

export interface IstioObject<Spec> {
  apiVersion: string;
  kind: 'VirtualService' | 'DestinationRule';
  metadata: {
    name: string;
    namespace: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: {
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
      blockOwnerDeletion?: boolean;
    }[];
  };
  spec: Spec;
}

export type { HTTPMatchRequest, StringMatch };
