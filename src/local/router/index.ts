export { WeightedProxy, INITIAL_ROUTES, type WeightedProxyOptions } from './proxy.js';
export type { AffinityRoutes, ProxyRoutes, RequestObserver, Upstream, Version } from './types.js';
export type { CookieAttributes } from '../../api/session-affinity.js';
export { compileMatches } from './match.js';
export { SmoothWeightedRoundRobin } from './weighted-round-robin.js';
