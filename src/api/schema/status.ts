/**
 * The Canary status. Every fact the engine needs between ticks lives here, so a reconcile that crashes
 * at any line can be re-run from the status alone.
 */
import { Type } from 'typebox';
import { LiteralUnion, StringMap } from './common.js';

export const PHASES = [
  'Initializing',
  'Initialized',
  'Waiting',
  'Progressing',
  'WaitingPromotion',
  'Promoting',
  'Finalising',
  'Succeeded',
  'Failed',
  'Terminating',
  'Terminated',
] as const;

export const CheckResult = Type.Object({
  name: Type.String(),
  decision: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('inconclusive')]),
  value: Type.Optional(Type.Number()),
  primaryValue: Type.Optional(Type.Number()),
  samples: Type.Optional(Type.Number()),
  primarySamples: Type.Optional(Type.Number()),
  threshold: Type.Optional(Type.String()),
  message: Type.String(),
  /**
   * Aviary: a conclusive verdict of the sequential judge. Its false-alarm rate is already bounded by
   * alpha, so a final fail rolls back at once instead of counting towards the failed-check threshold.
   */
  final: Type.Optional(Type.Boolean()),
});

/**
 * The canary's observed share of requests over the last analysis interval (from the mesh's request
 * metrics) tested against the weight it had: traffic that bypasses the weights shows here.
 */
export const ObservedTraffic = Type.Object({
  /** consistent | mismatch (beyond chance: a Warning event too) | too-few (cannot tell) | unavailable (no metrics). */
  verdict: LiteralUnion(['consistent', 'mismatch', 'too-few', 'unavailable'] as const),
  /** The weight during the interval, percent; it moved from previousWeight when it changed at its start. */
  canaryWeight: Type.Integer(),
  previousWeight: Type.Optional(Type.Integer()),
  canaryRequests: Type.Optional(Type.Integer()),
  primaryRequests: Type.Optional(Type.Integer()),
  /** Percent of the requests that reached the canary. */
  canaryShare: Type.Optional(Type.Number()),
  /** The canary shares (percent) expected at the check's confidence. */
  expectedMin: Type.Optional(Type.Number()),
  expectedMax: Type.Optional(Type.Number()),
  pValue: Type.Optional(Type.Number()),
  windowSeconds: Type.Integer(),
  checkedAt: Type.String(),
  message: Type.String(),
});

export const CanaryStatus = Type.Object({
  phase: Type.Optional(LiteralUnion(PHASES)),
  failedChecks: Type.Optional(Type.Integer()),
  canaryWeight: Type.Optional(Type.Integer()),
  iterations: Type.Optional(Type.Integer()),
  mirrored: Type.Optional(Type.Boolean()),
  previousSessionAffinityCookie: Type.Optional(Type.String()),
  sessionAffinityCookie: Type.Optional(Type.String()),
  primarySessionAffinityCookie: Type.Optional(Type.String()),
  trackedConfigs: Type.Optional(StringMap),
  lastAppliedSpec: Type.Optional(Type.String()),
  lastPromotedSpec: Type.Optional(Type.String()),
  lastTransitionTime: Type.Optional(Type.String()),
  observedGeneration: Type.Optional(Type.Integer()),
  /** Aviary: consecutive inconclusive analysis intervals. */
  inconclusiveChecks: Type.Optional(Type.Integer()),
  /** Aviary: when the current phase began waiting on readiness (progress deadline). */
  progressStartedAt: Type.Optional(Type.String()),
  /** Aviary: when the current analysis began (rollout start or restart); comparisons accumulate since then. */
  analysisStartedAt: Type.Optional(Type.String()),
  /** Aviary: the last analysis's verdicts, each with its numbers. */
  lastChecks: Type.Optional(Type.Array(CheckResult)),
  /** Aviary: why the canary failed, in one line. */
  failureReason: Type.Optional(Type.String()),
  /**
   * Aviary: the last intent (aviary promote/abort/pause/resume/retry) the engine acted on, by the id of
   * the aviary.dev/intent annotation; an intent whose id is here has acted and is not applied again.
   */
  lastIntent: Type.Optional(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      user: Type.String(),
      /** When the engine acted on it. */
      at: Type.String(),
      /** "applied", or why it changed nothing (e.g. "ignored: nothing to abort in phase Succeeded"). */
      outcome: Type.String(),
    }),
  ),
  /** Aviary: set by `aviary pause` — the release holds at its weight until `aviary resume`. */
  paused: Type.Optional(Type.Object({ user: Type.String(), at: Type.String() })),
  /** Aviary: the canary's share of requests measured by the mesh last interval, against its weight. */
  observedTraffic: Type.Optional(ObservedTraffic),
  conditions: Type.Optional(
    Type.Array(
      Type.Object({
        type: Type.String(),
        status: Type.String(),
        lastUpdateTime: Type.Optional(Type.String()),
        lastTransitionTime: Type.Optional(Type.String()),
        reason: Type.Optional(Type.String()),
        message: Type.Optional(Type.String()),
      }),
    ),
  ),
});
