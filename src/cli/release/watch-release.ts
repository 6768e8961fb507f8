/**
 * The loop behind `aviary watch`: read the status and the events every interval, show them, and stop
 * when the release ends or the deadline passes. A release counts as ended in Succeeded or Failed; with
 * `next`, only once a release was seen under way (or a transition happened) after the watch began, so
 * `kubectl apply` followed by `aviary watch --next` waits for the rollout the apply starts.
 */
import type { Canary, Phase } from '../../api/types.js';
import type { EventView } from '../../dashboard/types.js';
import { snapshotOf, type ProgressView } from '../../progress/snapshot.js';
import type { CanaryReader, CanaryRecord } from './reader.js';

export const WATCH_TIMEOUT_EXIT = 124;

const ENDED: ReadonlySet<Phase> = new Set<Phase>(['Succeeded', 'Failed']);
const UNDER_WAY: ReadonlySet<Phase> = new Set<Phase>([
  'Waiting',
  'Progressing',
  'WaitingPromotion',
  'Promoting',
  'Finalising',
]);
/** Events read per poll; the first poll shows them as the release's history so far. */
const EVENTS_PER_POLL = 20;

export interface WatchOptions {
  reader: CanaryReader;
  name: string;
  view: ProgressView;
  intervalMs: number;
  timeoutMs?: number;
  next: boolean;
}

export interface WatchOutcome {
  phase: 'Succeeded' | 'Failed' | 'TimedOut';
  message: string;
}

/** Locally the spec may be unknown: the view then shows the defaults' threshold and maximum. */
function canaryOf(record: CanaryRecord): Canary {
  if (record.canary) return record.canary;
  const stub = {
    apiVersion: 'aviary.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: record.name },
    spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: record.name }, analysis: {} },
  };
  return stub as Canary;
}

const eventKey = (e: EventView) => `${e.time ?? ''}|${e.reason}|${e.message}|${e.count ?? 1}`;

export async function watchRelease(options: WatchOptions): Promise<WatchOutcome> {
  const { reader, name, view } = options;
  const started = Date.now();
  const deadline = options.timeoutMs === undefined ? Infinity : started + options.timeoutMs;
  const shown = new Set<string>();
  let firstTransition: string | undefined | null = null;
  let underWay = false;
  try {
    for (;;) {
      const record = await reader.get(name);
      const { status } = record;
      const events = await reader.events(record, EVENTS_PER_POLL);
      for (const event of [...events].reverse()) {
        const key = eventKey(event);
        if (shown.has(key)) continue;
        shown.add(key);
        view.event(event.type === 'Warning' ? 'Warning' : 'Normal', event.message);
      }
      const where = record.namespace ? `${record.namespace}/${record.name}` : record.name;
      view.update(snapshotOf(where, canaryOf(record), status, started));
      const phase = status.phase ?? 'Initializing';
      if (firstTransition === null) firstTransition = status.lastTransitionTime;
      if (UNDER_WAY.has(phase) || status.lastTransitionTime !== firstTransition) underWay = true;
      if (ENDED.has(phase) && (!options.next || underWay)) {
        const why = phase === 'Failed' ? `: ${status.failureReason ?? 'no reason recorded'}` : '';
        return { phase: phase as 'Succeeded' | 'Failed', message: `${where} ${phase}${why}` };
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const secs = Math.round((options.timeoutMs ?? 0) / 1000);
        return {
          phase: 'TimedOut',
          message: `${where} still ${phase} at canary ${status.canaryWeight ?? 0}% after ${secs}s (--timeout)`,
        };
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(options.intervalMs, left)));
    }
  } finally {
    view.close();
  }
}
