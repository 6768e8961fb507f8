/** Kuma MeshHTTPRoute router. */
import type { RouterEntry } from '../entry.js';
import { KUMA_CAPABILITIES, kumaRouter } from './router.js';

export { KUMA_CAPABILITIES, kumaRouter } from './router.js';
export * from './mesh-http-route.js';
export * from './types.js';

export const kuma: RouterEntry = {
  runtime: 'kubernetes',
  capabilities: KUMA_CAPABILITIES,
  create: kumaRouter,
  services: true,
};
