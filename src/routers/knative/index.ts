/** Knative Service traffic router. */
import type { RouterEntry } from '../entry.js';
import { KNATIVE_CAPABILITIES, knativeRouter } from './router.js';

export { KNATIVE_CAPABILITIES, knativeRouter } from './router.js';
export * from './traffic.js';
export * from './types.js';

export const knative: RouterEntry = {
  runtime: 'kubernetes',
  capabilities: KNATIVE_CAPABILITIES,
  create: knativeRouter,
  // Knative routes between its own revisions: no ClusterIP Services.
  services: false,
};
