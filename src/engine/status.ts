/** Status bookkeeping shared by every phase: Flagger's Promoted condition, Reconciled, fresh rollouts. */
import type { CanaryStatus, Phase } from '../api/types.js';
import { PHASE_TABLE } from './phases/table.js';

type Condition = NonNullable<CanaryStatus['conditions']>[number];

/** The single `Promoted` condition Flagger keeps, rewritten only when its reason changes. */
export function promotedCondition(
  previous: readonly Condition[] | undefined,
  phase: Phase,
  kind: string,
  at: string,
): Condition[] {
  const old = previous?.find((c) => c.type === 'Promoted');
  const { status, message } = PHASE_TABLE[phase].promoted;
  if (old && old.reason === phase && old.status === status) return previous ? [...previous] : [];
  return withCondition(previous, { type: 'Promoted', status, reason: phase, message: message(kind) }, at);
}

/**
 * `Reconciled`: False with the error's stable code as reason while reconciles fail (the message says what
 * failed and what to do), True again after the next tick that succeeds. Canaries that never failed do
 * not carry it.
 */
export const RECONCILED = 'Reconciled';

export function reconcileFailedCondition(
  previous: readonly Condition[] | undefined,
  code: string,
  message: string,
  at: string,
): Condition[] {
  return withCondition(previous, { type: RECONCILED, status: 'False', reason: code, message }, at);
}

/** After a tick that succeeded: a `Reconciled` condition left False by a failure turns True. */
export function recoveredCondition(
  previous: readonly Condition[] | undefined,
  at: string,
): Condition[] | undefined {
  const old = previous?.find((c) => c.type === RECONCILED);
  if (!old || old.status === 'True') return previous ? [...previous] : undefined;
  const message = `recovered from ${old.reason ?? 'an error'}: the last reconcile succeeded`;
  return withCondition(previous, { type: RECONCILED, status: 'True', reason: 'Succeeded', message }, at);
}

function withCondition(
  previous: readonly Condition[] | undefined,
  next: Pick<Condition, 'type' | 'status' | 'reason' | 'message'>,
  at: string,
): Condition[] {
  const old = previous?.find((c) => c.type === next.type);
  const since = old && old.status === next.status && old.lastTransitionTime ? old.lastTransitionTime : at;
  const condition: Condition = { ...next, lastUpdateTime: at, lastTransitionTime: since };
  return [...(previous ?? []).filter((c) => c.type !== next.type), condition];
}

/** What every fresh analysis (new revision, restart) starts from. */
export function freshAnalysis(at: string): Partial<CanaryStatus> {
  return {
    canaryWeight: 0,
    iterations: 0,
    failedChecks: 0,
    inconclusiveChecks: 0,
    mirrored: false,
    lastChecks: [],
    failureReason: undefined,
    analysisStartedAt: at,
    progressStartedAt: at,
  };
}

/** Drops keys whose value is undefined so stored statuses compare and serialise cleanly. */
export function compact(status: CanaryStatus): CanaryStatus {
  return Object.fromEntries(Object.entries(status).filter(([, v]) => v !== undefined)) as CanaryStatus;
}
