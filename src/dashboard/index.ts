/** The read-only web view of canaries: `aviary dashboard`. */
export { startDashboard, type Dashboard, type DashboardOptions } from './server.js';
export { kubeSource, type KubeSourceOptions } from './kube-source.js';
export { localSource } from './local-source.js';
export type { CanarySource, CanaryView, DashboardSnapshot, EventView } from './types.js';
