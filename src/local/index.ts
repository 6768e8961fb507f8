/** Aviary's local runtime: weighted router, request metrics, process supervisor, and the ports over them. */
export { createLocalPorts, type LocalPorts } from './engine-ports.js';
export { LocalRuntime, type LocalRuntimeOptions } from './runtime.js';
export * from './router/index.js';
export * from './metrics/index.js';
export * from './supervisor/index.js';
export { localSpec, metricsPortOf, processNames, readinessTimeoutMs, upstreams } from './spec.js';
