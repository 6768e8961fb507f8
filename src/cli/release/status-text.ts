/** `aviary status NAME`: the phase, the steps done and left, each check against its threshold, the events. */
import { failureThreshold, maxWeight } from '../../api/defaults.js';
import type { EventView } from '../../dashboard/types.js';
import { checkLine } from '../../progress/format.js';
import type { CanaryRecord } from './reader.js';
import { stepsOf } from './steps.js';
import { age } from './table.js';

export function statusText(record: CanaryRecord, events: readonly EventView[], now: number): string {
  const { status, canary } = record;
  const lines: string[] = [];
  const field = (label: string, value: string) => lines.push(`${`${label}:`.padEnd(18)}${value}`);
  field('Canary', record.namespace ? `${record.namespace}/${record.name}` : `${record.name} (local)`);
  const paused = status.paused ? ` — paused by ${status.paused.user} ${age(status.paused.at, now)} ago` : '';
  field('Phase', `${status.phase ?? 'Unknown'}${paused}`);
  const max = canary ? ` of max ${maxWeight(canary.spec.analysis)}%` : '';
  field('Canary weight', `${status.canaryWeight ?? 0}%${max}`);
  if (canary) {
    const steps = stepsOf(canary, status);
    field('Steps', `${steps.done} of ${steps.total} ${steps.unit} done, ${steps.total - steps.done} left`);
  } else {
    field('Steps', `${status.iterations ?? 0} done (the spec is not in the state directory: total unknown)`);
  }
  const limit = canary ? `/${failureThreshold(canary.spec.analysis)}` : '';
  field('Failed checks', `${status.failedChecks ?? 0}${limit}`);
  field(
    'Last transition',
    status.lastTransitionTime
      ? `${status.lastTransitionTime} (${age(status.lastTransitionTime, now)} ago)`
      : '<none>',
  );
  if (status.failureReason) field('Failure reason', status.failureReason);
  if (status.lastIntent) {
    const i = status.lastIntent;
    field('Last intent', `${i.kind} by ${i.user}: ${i.outcome} (${age(i.at, now)} ago)`);
  }
  lines.push('', 'Checks (last analysis interval):');
  const checks = status.lastChecks ?? [];
  if (checks.length === 0) lines.push('  <none yet>');
  for (const check of checks) lines.push(`  ${checkLine(check)}`);
  lines.push('', 'Events (newest first):');
  if (events.length === 0) lines.push('  <none>');
  for (const e of events) {
    const count = e.count && e.count > 1 ? ` (x${e.count})` : '';
    lines.push(
      `  ${age(e.time, now).padEnd(7)} ${e.type.padEnd(8)} ${e.reason.padEnd(18)} ${e.message}${count}`,
    );
  }
  return lines.join('\n');
}
