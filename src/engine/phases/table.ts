/**
 * The lifecycle in one table: for each phase, the phases its handler may `goto` (staying is always
 * allowed) and the facts the rest of Aviary derives from the phase. `Tick.goto` refuses a transition
 * the table does not declare, so the handlers cannot drift from it; ./table.test.ts drives every
 * scenario through it.
 *
 *   Initializing     -> Initialized (primary ready) | Failed (primary never ready)
 *   Initialized      -> Progressing (new revision, gates open) | Waiting (confirm-rollout closed)
 *   Succeeded/Failed -> same as Initialized; also Initializing again when initialization never completed
 *   Waiting          -> Progressing (confirm-rollout opens) | Failed (primary broken)
 *   Progressing      -> Progressing (restart) | WaitingPromotion | Promoting | Succeeded (skipAnalysis) | Failed
 *   WaitingPromotion -> Promoting (confirm-promotion opens) | Progressing (restart) | Failed
 *   Promoting        -> Finalising (all traffic on the primary) | Failed (primary never ready: traffic to canary)
 *   Finalising       -> Succeeded
 *   any phase        -> Terminating (deleted with revertOnDeletion) -> Terminated
 */
import { PHASES } from '../../api/schema/status.js';
import type { Phase } from '../../api/types.js';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface PhaseRow {
  /** Phases this phase's handler may go to (besides itself, and Terminating, open to every phase). */
  next: readonly Phase[];
  /** The primary and the routing objects exist and are repaired every tick. */
  managed: boolean;
  /** Waiting for a new revision or an approval: a change of the target should run the canary at once. */
  idle: boolean;
  /** A release has ended here (the local runner and `aviary run` stop; the controller counts it). */
  ended: boolean;
  /** Flagger's `Promoted` condition while in this phase. */
  promoted: { status: ConditionStatus; message: (kind: string) => string };
}

/** Where a new revision can lead from a phase that waits for one (./idle.ts). */
const START: readonly Phase[] = ['Initializing', 'Initialized', 'Waiting', 'Progressing', 'Failed'];
/** Where an analysis interval can lead (./analysing.ts). */
const ANALYSE: readonly Phase[] = ['Progressing', 'WaitingPromotion', 'Promoting', 'Succeeded', 'Failed'];

const waitingForApproval = { status: 'Unknown', message: () => 'Waiting for approval.' } as const;

export const PHASE_TABLE: Readonly<Record<Phase, PhaseRow>> = {
  Initializing: {
    next: ['Initialized', 'Failed'],
    managed: false,
    idle: false,
    ended: false,
    promoted: { status: 'Unknown', message: (k) => `New ${k} detected, starting initialization.` },
  },
  Initialized: {
    next: START,
    managed: true,
    idle: true,
    ended: false,
    promoted: { status: 'True', message: (k) => `${k} initialization completed.` },
  },
  Waiting: {
    next: ['Progressing', 'Failed'],
    managed: true,
    idle: true,
    ended: false,
    promoted: waitingForApproval,
  },
  Progressing: {
    next: ANALYSE,
    managed: true,
    idle: false,
    ended: false,
    promoted: { status: 'Unknown', message: () => 'New revision detected, progressing canary analysis.' },
  },
  WaitingPromotion: { next: ANALYSE, managed: true, idle: false, ended: false, promoted: waitingForApproval },
  Promoting: {
    next: ['Finalising', 'Succeeded', 'Failed'],
    managed: true,
    idle: false,
    ended: false,
    promoted: {
      status: 'Unknown',
      message: () => 'Canary analysis completed, starting primary rolling update.',
    },
  },
  Finalising: {
    next: ['Succeeded', 'Failed'],
    managed: true,
    idle: false,
    ended: false,
    promoted: {
      status: 'Unknown',
      message: () => 'Canary analysis completed, routing all traffic to primary.',
    },
  },
  Succeeded: {
    next: START,
    managed: true,
    idle: true,
    ended: true,
    promoted: {
      status: 'True',
      message: () => 'Canary analysis completed successfully, promotion finished.',
    },
  },
  Failed: {
    next: START,
    managed: true,
    idle: true,
    ended: true,
    promoted: { status: 'False', message: (k) => `Canary analysis failed, ${k} scaled to zero.` },
  },
  Terminating: {
    next: ['Terminated'],
    managed: false,
    idle: false,
    ended: false,
    promoted: {
      status: 'Unknown',
      message: () => 'Canary is being deleted, reverting to the original workload.',
    },
  },
  Terminated: {
    next: [],
    managed: false,
    idle: false,
    ended: false,
    promoted: { status: 'False', message: () => 'Canary deleted, workload reverted.' },
  },
};

function phasesWhere(column: 'managed' | 'idle' | 'ended'): ReadonlySet<Phase> {
  return new Set(PHASES.filter((p) => PHASE_TABLE[p][column]));
}

/** Phases where the primary and the routing objects exist and are kept in shape every tick. */
export const MANAGED_PHASES = phasesWhere('managed');
/** Phases waiting for a new revision or an approval. */
export const IDLE_PHASES = phasesWhere('idle');
/** Phases in which a release has ended (Succeeded, Failed). */
export const ENDED_PHASES = phasesWhere('ended');

/** Whether `from` may go to `to`: staying, a declared transition, or Terminating on deletion. */
export function mayGo(from: Phase, to: Phase): boolean {
  if (from === to) return true;
  if (to === 'Terminating') return from !== 'Terminated';
  return PHASE_TABLE[from].next.includes(to);
}
