/**
 * One handler per phase. Each handler reads the world through the ports and returns the next status;
 * the transitions its `goto` calls may make are declared in ./table.ts.
 */
import type { CanaryStatus, Phase } from '../../api/types.js';
import type { Tick } from '../tick.js';
import { analysing } from './analysing.js';
import { awaitingRevision, waiting } from './idle.js';
import { initializing } from './initializing.js';
import { finalising, promoting } from './promoting.js';
import { terminated, terminating } from './terminating.js';

export type PhaseHandler = (tick: Tick) => Promise<CanaryStatus>;

export const PHASE_HANDLERS: Record<Phase, PhaseHandler> = {
  Initializing: initializing,
  Initialized: awaitingRevision,
  Waiting: waiting,
  Progressing: analysing,
  WaitingPromotion: analysing,
  Promoting: promoting,
  Finalising: finalising,
  Succeeded: awaitingRevision,
  Failed: awaitingRevision,
  Terminating: terminating,
  Terminated: terminated,
};
