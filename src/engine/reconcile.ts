/**
 * One reconcile tick (Flagger's advanceCanary): read the status, let the current phase's handler decide and
 * act through the ports, write the resulting status once. A port that throws aborts the tick before the
 * write; the next tick starts again from the last written status, and every port call is idempotent, so a
 * crash at any line converges to the same world.
 */
import type { Canary, CanaryStatus, Phase } from '../api/types.js';
import { actOnIntent } from './intents.js';
import { messages } from './messages.js';
import { PHASE_HANDLERS } from './phases/index.js';
import { MANAGED_PHASES } from './phases/table.js';
import { startTerminating } from './phases/terminating.js';
import type { EnginePorts } from './ports.js';
import { Tick, type EngineOptions } from './tick.js';

export interface ReconcileResult {
  /** The status written at the end of the tick. */
  status: CanaryStatus;
  phase: Phase;
  /** The phase the tick started in. */
  previousPhase: Phase;
  /** When the next tick is due (the analysis interval); undefined once nothing is left to do. */
  nextTickMs?: number;
}

async function decide(tick: Tick): Promise<CanaryStatus> {
  const { metadata, spec } = tick.canary;
  if (metadata.deletionTimestamp) {
    // Without revertOnDeletion Kubernetes garbage-collects what Aviary created; nothing to do here.
    if (!spec.revertOnDeletion) return tick.stay();
    // As Flagger: Terminating is written (and shown) before anything is reverted; the next tick reverts.
    return tick.phase === 'Terminating' || tick.phase === 'Terminated'
      ? PHASE_HANDLERS[tick.phase](tick)
      : startTerminating(tick);
  }
  if (spec.suspend) {
    await tick.event('Normal', messages.suspended());
    return tick.stay();
  }
  if (MANAGED_PHASES.has(tick.phase)) {
    // Repairs drift (a deleted primary, an edited routing object); the readiness it reports is judged
    // by the phases that wait on the primary.
    await tick.ports.target.initialize(tick.canary);
    await tick.ports.router.reconcile(tick.canary);
  }
  const intent = await actOnIntent(tick);
  if ('ended' in intent) return intent.ended;
  return intent.stamp(await PHASE_HANDLERS[tick.phase](tick));
}

export async function reconcile(
  canary: Canary,
  ports: EnginePorts,
  options: EngineOptions = {},
): Promise<ReconcileResult> {
  const tick = new Tick(canary, ports, options);
  const status = await decide(tick);
  await ports.status.write(canary, status);
  const phase = status.phase ?? tick.phase;
  return {
    status,
    phase,
    previousPhase: tick.phase,
    ...(phase === 'Terminated' ? {} : { nextTickMs: tick.intervalMs }),
  };
}
