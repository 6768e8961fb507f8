/**
 * On Kubernetes a controller restart finds the Deployments and the routing objects where it left them.
 * Locally they die with `aviary run`, so a run resuming from a state file first rebuilds what the status
 * describes: the primary, the canary when the phase has it running, and the router holding the recorded
 * split. Without this the engine would wait forever for a canary nobody starts, and read the fresh
 * router's 100/0 as a split to adopt, restarting the steps from zero.
 */
import type { Canary, CanaryStatus, Phase } from '../../api/types.js';
import type { LocalPorts } from '../index.js';

const CANARY_RUNS: ReadonlySet<Phase> = new Set<Phase>([
  'Progressing',
  'WaitingPromotion',
  'Promoting',
  'Finalising',
]);

/** Returns what was restored, for the log (empty when the status describes nothing to rebuild). */
export async function restoreFromStatus(
  local: LocalPorts,
  canary: Canary,
  status: CanaryStatus,
): Promise<string[]> {
  if (status.lastAppliedSpec === undefined || !status.phase || !CANARY_RUNS.has(status.phase)) return [];
  const done: string[] = [];
  const primary = await local.target.initialize(canary);
  if (!primary.ready) return [`primary not ready yet: ${primary.reason}`];
  done.push('primary started');
  await local.target.scaleCanaryUp(canary);
  done.push('canary started');
  const weight = status.canaryWeight ?? 0;
  await local.router.reconcile(canary);
  await local.router.setRoutes(
    canary,
    { primaryWeight: 100 - weight, canaryWeight: weight, mirrored: false },
    status.sessionAffinityCookie ? { canaryCookie: status.sessionAffinityCookie } : undefined,
  );
  done.push(`router holds canary ${weight}%`);
  return done;
}
