/** Apache APISIX ApisixRoute router. */
import type { RouterEntry } from '../entry.js';
import { APISIX_CAPABILITIES, apisixRouter } from './router.js';
import { APISIX_GROUP, APISIX_VERSION } from './types.js';

export { APISIX_CAPABILITIES, apisixRouter } from './router.js';
export * from './canary-route.js';
export * from './types.js';

export const apisix: RouterEntry = {
  runtime: 'kubernetes',
  capabilities: APISIX_CAPABILITIES,
  create: apisixRouter,
  services: true,
  copies: { field: 'routeRef', apiVersion: `${APISIX_GROUP}/${APISIX_VERSION}`, kind: 'ApisixRoute' },
};
