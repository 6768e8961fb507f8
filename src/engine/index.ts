/**
 * The engine: a pure decision procedure over ports. `reconcile` runs one tick; the caller runs it every
 * `nextTickMs` (and on spec changes), with the Canary re-read and its status as last written.
 */
export { reconcile } from './reconcile.js';
export type { ReconcileResult } from './reconcile.js';
export type { EngineOptions } from './tick.js';
export { Tick } from './tick.js';
export { PHASE_HANDLERS } from './phases/index.js';
export type { PhaseHandler } from './phases/index.js';
export { ENDED_PHASES, IDLE_PHASES, MANAGED_PHASES, PHASE_TABLE, mayGo } from './phases/table.js';
export { STRATEGIES, abTestingStep, blueGreenStep, canaryStep } from './strategies/index.js';
export type { StepDecision, StepInput, StrategyStep } from './strategies/index.js';
export { withEventWebhooks } from './events.js';
export { isNewRevision, rotateCookies } from './revision.js';
export { messages, alerts } from './messages.js';
export type * from './ports.js';
