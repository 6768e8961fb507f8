/** Skipper canary Ingress router. */
import type { RouterEntry } from '../entry.js';
import { SKIPPER_CAPABILITIES, skipperRouter } from './router.js';

export { SKIPPER_CAPABILITIES, skipperRouter } from './router.js';
export * from './canary-ingress.js';

export const skipper: RouterEntry = {
  runtime: 'kubernetes',
  capabilities: SKIPPER_CAPABILITIES,
  create: skipperRouter,
  services: true,
  copies: { field: 'ingressRef', apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
};
