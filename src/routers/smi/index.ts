/** Linkerd / OSM / SMI TrafficSplit router. */
export { SMI_CAPABILITIES, SMI_VERSION_OF, smiRouter, type SmiProvider } from './router.js';
export { buildTrafficSplitSpec, quantity, routesOfTrafficSplit } from './traffic-split.js';
export * from './types.js';
