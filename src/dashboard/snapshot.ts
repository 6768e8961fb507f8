/**
 * One snapshot of every canary with its recent events. Concurrent requests (several open pages) share
 * the snapshot being collected, so the API server sees one list per poll, not one per tab. A failure
 * becomes the snapshot's `error` (the page's banner); failing events only mark the canaries' events.
 */
import { canaryKey, type CanarySource, type DashboardSnapshot } from './types.js';

export interface SnapshotOptions {
  /** Events kept per canary (default 5). */
  eventLimit?: number;
  /** Deadline for the whole collection, whatever the source does (default 10 s). */
  deadlineMs?: number;
}

export function snapshotter(
  source: CanarySource,
  options: SnapshotOptions = {},
): () => Promise<DashboardSnapshot> {
  let inflight: Promise<DashboardSnapshot> | undefined;
  return () => {
    inflight ??= collect(source, options).finally(() => {
      inflight = undefined;
    });
    return inflight;
  };
}

async function collect(source: CanarySource, options: SnapshotOptions): Promise<DashboardSnapshot> {
  const deadlineMs = options.deadlineMs ?? 10_000;
  const base = { source: source.description, generatedAt: new Date().toISOString() };
  let canaries;
  try {
    canaries = await withDeadline(source.list(), deadlineMs, 'listing canaries');
  } catch (err) {
    return { ...base, canaries: [], error: err instanceof Error ? err.message : String(err) };
  }
  if (source.events && canaries.length > 0) {
    try {
      const events = await withDeadline(
        source.events(canaries, options.eventLimit ?? 5),
        deadlineMs,
        'listing events',
      );
      for (const canary of canaries) canary.events = events.get(canaryKey(canary)) ?? [];
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      for (const canary of canaries) canary.eventsError = reason;
    }
  }
  canaries.sort((a, b) => canaryKey(a).localeCompare(canaryKey(b)));
  return { ...base, canaries };
}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
