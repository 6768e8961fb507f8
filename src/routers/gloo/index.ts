/** Gloo Edge RouteTable + Upstreams router. */
import type { RouterEntry } from '../entry.js';
import { GLOO_CAPABILITIES, glooRouter } from './router.js';

export { GLOO_CAPABILITIES, glooRouter } from './router.js';
export * from './route-table.js';
export * from './types.js';

export const gloo: RouterEntry = {
  runtime: 'kubernetes',
  capabilities: GLOO_CAPABILITIES,
  create: glooRouter,
  services: true,
};
