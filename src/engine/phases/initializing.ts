/** Initializing: create the primary, wait until it is ready, take over routing, scale the canary to zero. */
import type { CanaryStatus } from '../../api/types.js';
import { offlineProviders } from '../actions/providers.js';
import { judgeReadiness } from '../actions/readiness.js';
import { alerts, messages } from '../messages.js';
import { rolloutFacts } from '../rollout-facts.js';
import type { Tick } from '../tick.js';

export async function initializing(tick: Tick): Promise<CanaryStatus> {
  const { target, router } = tick.ports;
  const readiness = judgeReadiness(tick, await target.initialize(tick.canary));
  if (readiness.kind === 'waiting') {
    await tick.event('Warning', messages.notReady(tick.name, `primary not ready: ${readiness.reason}`));
    return tick.goto('Initializing', { progressStartedAt: readiness.since });
  }
  const revision = await target.revision(tick.canary);
  if (readiness.kind === 'deadline') {
    // The target is the only working copy: leave workloads and routing alone, say why, wait for a fix.
    const reason = `primary not ready: ${readiness.reason}`;
    await tick.event('Warning', `Initialization of ${tick.name} failed, ${reason}`);
    await tick.notify('error', `Initialization failed, ${reason}`, { phase: 'Failed' });
    return tick.goto('Failed', {
      failureReason: reason,
      lastAppliedSpec: revision.spec,
      trackedConfigs: revision.trackedConfigs,
      progressStartedAt: undefined,
    });
  }
  // The primary runs what already ran, so an offline metrics server does not hold this step: it is
  // reported now, and the next revision waits for it (./idle.ts).
  if (!tick.canary.spec.skipAnalysis) {
    const offline = await offlineProviders(tick);
    if (offline.length === 0) await tick.event('Normal', messages.providersAvailable());
    else await tick.event('Warning', messages.providersOffline(offline));
  }
  await target.scaleCanaryToZero(tick.canary);
  await router.reconcile(tick.canary);
  await tick.event('Normal', messages.initialized(tick.name), 'Initialized');
  await tick.notify('info', alerts.initialized(tick.canary.spec.targetRef.kind), {
    phase: 'Initialized',
    canaryWeight: 0,
    fields: rolloutFacts(tick.canary.spec),
  });
  return tick.goto('Initialized', {
    canaryWeight: 0,
    failedChecks: 0,
    iterations: 0,
    lastAppliedSpec: revision.spec,
    lastPromotedSpec: revision.spec,
    trackedConfigs: revision.trackedConfigs,
    progressStartedAt: undefined,
    failureReason: undefined,
  });
}
