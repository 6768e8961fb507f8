/**
 * Intents (src/intents): what a person asked a running release to do, read from the Canary's
 * aviary.dev/intent annotation at the start of a tick. An intent whose id is already status.lastIntent's
 * has acted and is skipped, so each acts once; one that cannot act in the current phase is acknowledged
 * with the reason (and a Warning event) instead of waiting around to surprise someone later.
 *
 *   pause   Waiting | Progressing | WaitingPromotion -> same phase, held (no checks, no steps) until resume
 *   resume  paused -> the interval runs this tick
 *   promote Progressing | WaitingPromotion -> Promoting (the rest of the analysis and its gates skipped)
 *   abort   Waiting | Progressing | WaitingPromotion -> Failed (rolled back)
 *   retry   Failed -> Progressing (the same revision analysed again from zero traffic)
 */
import type { CanaryStatus, Phase } from '../api/types.js';
import { INTENT_ANNOTATION, parseIntent, type Intent, type IntentKind } from '../api/intent.js';
import { promote } from './actions/promote.js';
import { rollback } from './actions/rollback.js';
import { startRollout } from './actions/start-rollout.js';
import { initializing } from './phases/initializing.js';
import { compact } from './status.js';
import type { Tick } from './tick.js';

/** The phases a release can be held in: a rollout is under way and nothing is half-promoted. */
const HOLDABLE: ReadonlySet<Phase> = new Set<Phase>(['Waiting', 'Progressing', 'WaitingPromotion']);
const ANALYSING: ReadonlySet<Phase> = new Set<Phase>(['Progressing', 'WaitingPromotion']);

/** What an intent did: the tick's final status when it ended the tick, else a patch to carry. */
type Effect = { ended: CanaryStatus } | { patch: Partial<CanaryStatus> } | { ignored: string };

const EFFECTS: Record<IntentKind, (tick: Tick, intent: Intent) => Promise<Effect>> = {
  async pause(tick, intent) {
    if (!HOLDABLE.has(tick.phase)) return { ignored: `no rollout to pause in phase ${tick.phase}` };
    if (tick.status.paused) return { ignored: `already paused by ${tick.status.paused.user}` };
    await tick.event(
      'Normal',
      `${tick.name} paused by ${intent.user}: holding canary at ${tick.status.canaryWeight ?? 0}% until aviary resume`,
    );
    return { patch: { paused: { user: intent.user, at: tick.at } } };
  },
  async resume(tick, intent) {
    if (!tick.status.paused) return { ignored: 'not paused' };
    await tick.event('Normal', `${tick.name} resumed by ${intent.user}`);
    return { patch: { paused: undefined } };
  },
  async promote(tick, intent) {
    if (!ANALYSING.has(tick.phase)) return { ignored: `no analysis to cut short in phase ${tick.phase}` };
    await tick.event('Normal', `${tick.name} promoted by ${intent.user}: skipping the rest of the analysis`);
    return { ended: await promote(tick, { paused: undefined }) };
  },
  async abort(tick, intent) {
    if (!HOLDABLE.has(tick.phase)) return { ignored: `no rollout to abort in phase ${tick.phase}` };
    const routes = await tick.ports.router.getRoutes(tick.canary);
    const reason = `aborted by ${intent.user}`;
    const status = await rollback(
      tick,
      { reason, event: reason, alert: `Rolling back, ${reason}`, severity: 'warn' },
      routes,
    );
    return { ended: { ...status, paused: undefined } };
  },
  async retry(tick, intent) {
    if (tick.phase !== 'Failed') return { ignored: `nothing failed to retry in phase ${tick.phase}` };
    await tick.event(
      'Normal',
      `${tick.name} retry requested by ${intent.user}: analysing the revision again`,
    );
    // A failed initialization never had a primary: retrying it is initializing again.
    if (!tick.status.lastPromotedSpec) return { ended: await initializing(tick) };
    return { ended: await startRollout(tick, await tick.ports.target.revision(tick.canary)) };
  },
};

function pendingIntent(tick: Tick): Intent | { invalid: string; text: string } | undefined {
  const text = tick.canary.metadata.annotations?.[INTENT_ANNOTATION];
  if (!text) return undefined;
  try {
    const intent = parseIntent(text);
    return intent.id === tick.status.lastIntent?.id ? undefined : intent;
  } catch (err) {
    return { invalid: (err as Error).message, text };
  }
}

/**
 * Runs before the phase's handler. Returns the tick's final status when the intent (or a pause) ends the
 * tick; otherwise a function that stamps the acknowledgement onto whatever status the handler returns.
 */
export async function actOnIntent(
  tick: Tick,
): Promise<{ ended: CanaryStatus } | { stamp: (status: CanaryStatus) => CanaryStatus }> {
  const pending = pendingIntent(tick);
  let patch: Partial<CanaryStatus> = {};
  if (pending && 'invalid' in pending) {
    // Acknowledged under a synthetic id so the warning is given once per distinct bad value.
    const id = `invalid:${pending.text.length}:${pending.text.slice(0, 64)}`;
    if (tick.status.lastIntent?.id !== id) {
      await tick.event('Warning', `${tick.name} ignoring annotation ${pending.invalid}`);
      patch.lastIntent = { id, kind: 'invalid', user: 'unknown', at: tick.at, outcome: pending.invalid };
    }
  } else if (pending) {
    const effect = await EFFECTS[pending.kind](tick, pending);
    const outcome = 'ignored' in effect ? `ignored: ${effect.ignored}` : 'applied';
    if ('ignored' in effect) {
      await tick.event('Warning', `${tick.name} ${pending.kind} by ${pending.user} ${outcome}`);
    }
    const lastIntent = { id: pending.id, kind: pending.kind, user: pending.user, at: tick.at, outcome };
    if ('ended' in effect) {
      // An action that could not act (the router refused the rollback) leaves the phase as it was: the
      // intent stays unacknowledged and is tried again at the next tick.
      if (effect.ended.phase === tick.phase) return { ended: effect.ended };
      return { ended: compact({ ...effect.ended, lastIntent }) };
    }
    patch = { ...('patch' in effect ? effect.patch : {}), lastIntent };
  }
  const paused = 'paused' in patch ? patch.paused : tick.status.paused;
  if (paused && HOLDABLE.has(tick.phase)) return { ended: tick.stay(patch) };
  return { stamp: (status) => compact({ ...status, ...patch }) };
}
