/**
 * The parts of Istio's networking.istio.io API that Aviary writes, typed (field names as Istio's CRDs
 * define them). Everything Aviary passes through from the Canary spec keeps Istio's shape.
 */
import type { HTTPMatchRequest, StringMatch } from '../../api/types.js';
import type { RoutingObject } from '../shared/routing-object.js';

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
  match?: IstioMatchRequest[];
  route: HTTPRouteDestination[];
  rewrite?: { uri?: string; authority?: string };
  timeout?: string;
  retries?: { attempts?: number; perTryTimeout?: string; retryOn?: string };
  corsPolicy?: Record<string, unknown>;
  headers?: { request?: HeaderOperations; response?: HeaderOperations };
  mirror?: Destination;
  mirrorPercentage?: { value: number };
}

/** A TCP route (appProtocol: tcp): L4 matches on ports, weighted destinations. */
export interface TCPRoute {
  match?: { port: number }[];
  route: { destination: Destination; weight: number }[];
}

export interface VirtualServiceSpec {
  hosts: string[];
  gateways: string[];
  http?: HTTPRoute[];
  tcp?: TCPRoute[];
}

export interface DestinationRuleSpec {
  host: string;
  trafficPolicy?: Record<string, unknown>;
}

export type VirtualService = RoutingObject<VirtualServiceSpec>;
export type DestinationRule = RoutingObject<DestinationRuleSpec>;

/** Istio's HTTPMatchRequest: its header StringMatch has no `suffix` (the router writes it as a regex). */
export type IstioMatchRequest = Omit<HTTPMatchRequest, 'headers'> & { headers?: Record<string, StringMatch> };

export type { HTTPMatchRequest, StringMatch };
