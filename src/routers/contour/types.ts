/** The parts of Contour's HTTPProxy (projectcontour.io/v1) Aviary writes, with Contour's field names. */
import type { RoutingObject } from '../shared/routing-object.js';

export const CONTOUR_GROUP = 'projectcontour.io';
export const CONTOUR_VERSION = 'v1';

export interface HeaderMatchCondition {
  name: string;
  exact?: string;
  regex?: string;
}

export interface QueryParameterMatchCondition {
  name: string;
  exact?: string;
  prefix?: string;
  regex?: string;
}

/** One of prefix, header or queryParameter per condition; a route's conditions all have to hold. */
export interface MatchCondition {
  prefix?: string;
  header?: HeaderMatchCondition;
  queryParameter?: QueryParameterMatchCondition;
}

export interface HeaderValue {
  name: string;
  value: string;
}

export interface ContourService {
  name: string;
  port: number;
  /** Relative weight; a route whose services all have no weight splits evenly. */
  weight?: number;
  mirror?: boolean;
  requestHeadersPolicy?: { set?: HeaderValue[]; remove?: string[] };
}

export interface TimeoutPolicy {
  response?: string;
  idle?: string;
}

export interface RetryPolicy {
  count?: number;
  perTryTimeout?: string;
  retryOn?: string[];
  retriableStatusCodes?: number[];
}

export interface ContourRoute {
  conditions: MatchCondition[];
  services: ContourService[];
  timeoutPolicy?: TimeoutPolicy;
  retryPolicy?: RetryPolicy;
}

export interface HTTPProxySpec {
  routes: ContourRoute[];
  ingressClassName?: string;
}

export type HTTPProxy = RoutingObject<HTTPProxySpec> & {
  status?: { currentStatus?: string; description?: string };
};
