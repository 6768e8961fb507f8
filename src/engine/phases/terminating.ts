/** Deletion with revertOnDeletion: give the workload and the routing back to the user as they were. */
import type { CanaryStatus } from '../../api/types.js';
import { messages } from '../messages.js';
import type { Tick } from '../tick.js';

/** Deletion seen: the phase says so before anything is reverted. */
export async function startTerminating(tick: Tick): Promise<CanaryStatus> {
  await tick.event('Normal', messages.terminating(tick.name));
  return tick.goto('Terminating');
}

export async function terminating(tick: Tick): Promise<CanaryStatus> {
  // Target first: it must be serving again before routing points back at it.
  await tick.ports.target.finalize(tick.canary);
  await tick.ports.router.finalize(tick.canary);
  await tick.event('Normal', messages.terminated(tick.name));
  return tick.goto('Terminated', { progressStartedAt: undefined });
}

export async function terminated(tick: Tick): Promise<CanaryStatus> {
  return tick.stay();
}
