/**
 * The lifecycle as a table: one handler per phase. Each handler reads the world through the ports and
 * returns the next status; transitions are the `goto` calls inside them:
 *
 *   Initializing     -> Initialized (primary ready) | Failed (primary never ready)
 *   Initialized      -> Progressing (new revision, gates open) | Waiting (confirm-rollout closed)
 *   Succeeded/Failed -> same as Initialized
 *   Waiting          -> Progressing (confirm-rollout opens) | Failed (primary broken)
 *   Progressing      -> Progressing (step, hold, restart) | WaitingPromotion | Promoting | Succeeded (skipAnalysis) | Failed
 *   WaitingPromotion -> Promoting (confirm-promotion opens) | Progressing (restart) | Failed
 *   Promoting        -> Finalising (all traffic on the primary) | Failed (primary never ready: traffic to canary)
 *   Finalising       -> Succeeded
 *   Terminating      -> Terminated
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
