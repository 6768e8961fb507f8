/** Traefik TraefikService router. */
import type { RouterEntry } from '../entry.js';
import { TRAEFIK_CAPABILITIES, traefikRouter } from './router.js';

export { TRAEFIK_CAPABILITIES, traefikRouter } from './router.js';
export { buildTraefikServiceSpec, routesOfTraefikService } from './traefik-service.js';
export * from './types.js';

export const traefik: RouterEntry = {
  runtime: 'kubernetes',
  capabilities: TRAEFIK_CAPABILITIES,
  create: traefikRouter,
  services: true,
};
