/** In-memory doubles of every engine port, for the engine's tests and for any runtime's contract tests. */
export { FakeClock } from './clock.js';
export { InjectedCrash, crashingPorts, mulberry32 } from './crash.js';
export type { CrashPlan, CrashingPorts } from './crash.js';
export { podinfoCanary } from './fixtures.js';
export {
  FAILING_METRICS,
  HEALTHY_METRICS,
  InMemoryTemplates,
  ScriptedMetrics,
  noData,
  queryError,
  value,
} from './metrics.js';
export type { MetricScript } from './metrics.js';
export { MemoryStatusStore, RecordingEvents, RecordingNotifier } from './recorders.js';
export type { RecordedEvent } from './recorders.js';
export { InMemoryRouter } from './router.js';
export type { RouteChange } from './router.js';
export { InMemoryTarget } from './target.js';
export type { Health, Workload } from './target.js';
export { OK, ScriptedWebhooks, closed } from './webhooks.js';
export type { HookCall, HookScript } from './webhooks.js';
export { World, createWorld } from './world.js';
export type { WorldOptions } from './world.js';
