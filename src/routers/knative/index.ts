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
  pending: {
    message:
      'the Knative router is here, but the controller has no Knative Service target yet (it would look for a Deployment), so the Canary could not run',
    fix: 'wait for the Knative Service target, or release the Deployment behind the service with another provider',
  },
};
