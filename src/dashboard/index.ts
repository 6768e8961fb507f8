/** The web view of canaries: `aviary dashboard`. */
export { startDashboard, type Dashboard, type DashboardOptions } from './server.js';
export { kubeSource, type KubeSourceOptions } from './kube-source.js';
export { localSource } from './local-source.js';
export type { CanarySource, CanaryView, DashboardSnapshot, EventView } from './types.js';
export { HistoryStore, type CanaryHistory, type HistoryLimits, type HistorySample } from './history.js';
export { MIN_TOKEN_LENGTH, TOKEN_HEADER } from './actions.js';
