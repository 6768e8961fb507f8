/** A new revision was seen: ask confirm-rollout gates, then scale the canary up and start a fresh analysis. */
import type { CanaryStatus } from '../../api/types.js';
import { alerts, messages } from '../messages.js';
import { ALL_TO_PRIMARY, type Revision } from '../ports.js';
import { rotateCookies } from '../revision.js';
import { rolloutFacts } from '../rollout-facts.js';
import { freshAnalysis } from '../status.js';
import type { Tick } from '../tick.js';
import { alertGate, runGate } from './hooks.js';
import { applyRoutes } from './routes.js';

export function revisionPatch(tick: Tick, revision: Revision): Partial<CanaryStatus> {
  const identity = tick.canary.metadata.uid ?? tick.name;
  return {
    ...freshAnalysis(tick.at),
    lastAppliedSpec: revision.spec,
    trackedConfigs: revision.trackedConfigs ?? tick.status.trackedConfigs,
    ...rotateCookies(tick.status, tick.analysis.sessionAffinity, identity, revision),
  };
}

export async function startRollout(tick: Tick, revision: Revision): Promise<CanaryStatus> {
  const gate = await runGate(tick, 'confirm-rollout');
  if (!gate.open) {
    await tick.event('Warning', messages.waitingRollout(tick.name, gate.hook.name));
    if (tick.phase !== 'Waiting') await alertGate(tick, gate.hook, alerts.waitingRollout());
    return tick.goto('Waiting');
  }
  // After a failed promotion the canary held all traffic; a new analysis starts from none.
  const routes = await tick.ports.router.getRoutes(tick.canary);
  if (routes.canaryWeight !== 0 || routes.mirrored) {
    const outcome = await applyRoutes(tick, ALL_TO_PRIMARY);
    if (!outcome.applied) return tick.stay({ canaryWeight: outcome.routes.canaryWeight });
  }
  await tick.event('Normal', messages.newRevision(tick.name), 'Progressing');
  await tick.notify('info', alerts.newRevision(), {
    phase: 'Progressing',
    canaryWeight: 0,
    fields: rolloutFacts(tick.canary.spec),
  });
  await tick.ports.target.scaleCanaryUp(tick.canary);
  return tick.goto('Progressing', revisionPatch(tick, revision));
}
