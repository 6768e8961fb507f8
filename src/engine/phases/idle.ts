/**
 * Initialized, Succeeded, Failed: nothing moves until the target runs a new revision. Waiting: a new
 * revision is known and its confirm-rollout gate is asked again every interval.
 */
import type { CanaryStatus } from '../../api/types.js';
import { offlineProviders } from '../actions/providers.js';
import { judgeReadiness } from '../actions/readiness.js';
import { rollback } from '../actions/rollback.js';
import { startRollout } from '../actions/start-rollout.js';
import { messages } from '../messages.js';
import type { Revision } from '../ports.js';
import { isNewRevision } from '../revision.js';
import type { Tick } from '../tick.js';
import { initializing } from './initializing.js';

export async function awaitingRevision(tick: Tick): Promise<CanaryStatus> {
  const revision = await tick.ports.target.revision(tick.canary);
  if (!isNewRevision(tick.status, revision)) return tick.stay();
  // Initialization never completed (the primary failed): a new revision retries it.
  if (!tick.status.lastPromotedSpec) return initializing(tick);
  return startWhenPrimaryReady(tick, revision);
}

export async function waiting(tick: Tick): Promise<CanaryStatus> {
  return startWhenPrimaryReady(tick, await tick.ports.target.revision(tick.canary));
}

/**
 * A canary is only started beside a healthy primary (Flagger checks the primary before every advance) and
 * with every metrics server answering.
 */
async function startWhenPrimaryReady(tick: Tick, revision: Revision): Promise<CanaryStatus> {
  if (!tick.canary.spec.skipAnalysis) {
    const primary = judgeReadiness(tick, await tick.ports.target.primaryReadiness(tick.canary));
    if (primary.kind === 'waiting') {
      await tick.event('Warning', messages.notReady(tick.name, `primary not ready: ${primary.reason}`));
      return tick.stay();
    }
    // Past its deadline the primary is rolled back to, from any of these phases, as Flagger does: all
    // traffic on the primary, the canary scaled to zero, Failed with the reason (not only logged).
    if (primary.kind === 'deadline') {
      const routes = await tick.ports.router.getRoutes(tick.canary);
      const reason = `primary not ready: ${primary.reason}`;
      return rollback(
        tick,
        { reason, event: reason, alert: `Rolling back, ${reason}`, severity: 'error' },
        routes,
      );
    }
    // No traffic goes to a canary whose metrics cannot be read: asked again every interval.
    const offline = await offlineProviders(tick);
    if (offline.length > 0) {
      await tick.event('Warning', messages.notReady(tick.name, messages.providersOffline(offline)));
      return tick.stay();
    }
  }
  return startRollout(tick, revision);
}
