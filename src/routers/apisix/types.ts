/** The parts of APISIX's ApisixRoute (apisix.apache.org/v2) Aviary reads and writes, with APISIX's field names. */
import type { RoutingObject } from '../shared/routing-object.js';

export const APISIX_GROUP = 'apisix.apache.org';
export const APISIX_VERSION = 'v2';

export interface ApisixBackend {
  serviceName: string;
  servicePort: number | string;
  resolveGranularity?: string;
  /** Relative weight among the route's backends. */
  weight?: number;
  subset?: string;
}

/** One HTTP route; the fields Aviary does not touch (match, plugins, timeout, ...) are copied as they are. */
export interface ApisixHttpRoute {
  name: string;
  priority?: number;
  backends?: ApisixBackend[];
  [field: string]: unknown;
}

export interface ApisixRouteSpec {
  http?: ApisixHttpRoute[];
  [field: string]: unknown;
}

export type ApisixRoute = RoutingObject<ApisixRouteSpec>;
