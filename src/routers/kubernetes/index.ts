/** Kubernetes ClusterIP Services for a Canary, and the `provider: kubernetes` router (blue/green only). */
export { kubernetesRouter, readWorkload } from './router.js';
export { finalizeServices, reconcileServices, type ReconcileServicesOptions } from './services.js';
export { desiredService, SERVICE_ROLES, type ServiceRole } from './service-spec.js';
export { discoveredPorts, mainPort, servicePorts } from './ports.js';
export { withServices } from './with-services.js';
