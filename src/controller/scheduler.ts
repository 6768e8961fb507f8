/**
 * One loop per Canary at its analysis interval (Flagger's CanaryJob). A loop never overlaps itself:
 * the next run is scheduled when the current one ends. `poke` runs a canary now (a spec or target
 * change), coalescing with a run already in progress. At most `maxConcurrent` runs are in flight
 * across all canaries (controller-runtime's MaxConcurrentReconciles): a controller that starts with
 * thousands of Canaries works through them instead of sending thousands of reconciles at once. A poked
 * run waits ahead of the interval runs: when the slots cannot keep up with every canary's interval (an
 * API server slow to create thousands of Services), a new revision is still acted on next, not after
 * the whole backlog. Yet poked runs never take every slot: one hand-off in URGENT_SHARE + 1 goes to
 * the interval runs waiting, or a stream of pokes (thousands of initializing canaries whose primaries
 * become ready) would starve the canaries that have not had a first run. A run that throws is
 * retried after the back-off its error's code asks for (./backoff.ts).
 */
import { retryDelayMs } from './backoff.js';

export interface ScheduledJob {
  key: string;
  intervalMs: number;
}

export type RunCanary = (key: string) => Promise<{ nextTickMs?: number } | void>;

interface Loop {
  intervalMs: number;
  timer: NodeJS.Timeout | undefined;
  running: boolean;
  rerun: boolean;
  /** The next run was asked for (poke), not due at its interval: it waits ahead of the others. */
  urgent: boolean;
  /** While the run waits for a slot: what hands it one. */
  queued: (() => void) | undefined;
  stopped: boolean;
  /** Failed runs in a row: the back-off grows with it and resets on a run that succeeds. */
  failures: number;
}

export const DEFAULT_MAX_CONCURRENT_RECONCILES = 16;

/** Slots handed to poked runs in a row, while interval runs wait, before one goes to an interval run. */
const URGENT_SHARE = 3;

export class CanaryScheduler {
  private readonly loops = new Map<string, Loop>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly waitingUrgent: (() => void)[] = [];
  private urgentInARow = 0;

  constructor(
    private readonly run: RunCanary,
    private readonly log: (message: string, err?: unknown) => void = () => {},
    private readonly maxConcurrent = DEFAULT_MAX_CONCURRENT_RECONCILES,
  ) {}

  /** Starts the loop of one job if it is new, or applies a changed interval (without a full sync). */
  ensure(job: ScheduledJob): void {
    const loop = this.loops.get(job.key);
    if (!loop) this.start(job);
    else if (loop.intervalMs !== job.intervalMs) {
      loop.intervalMs = job.intervalMs;
      this.poke(job.key);
    }
  }

  /** Makes the set of loops match `jobs`: starts new ones (running at once), stops removed ones. */
  sync(jobs: ScheduledJob[]): void {
    const wanted = new Set(jobs.map((j) => j.key));
    for (const [key, loop] of this.loops) {
      if (!wanted.has(key)) this.stop(key, loop);
    }
    for (const job of jobs) this.ensure(job);
  }

  poke(key: string): void {
    const loop = this.loops.get(key);
    if (!loop || loop.stopped) return;
    if (loop.running) {
      // Still waiting for a slot: it has read nothing yet, so moving it ahead is enough.
      if (loop.queued) this.promote(loop.queued);
      else {
        loop.rerun = true;
        loop.urgent = true;
      }
      return;
    }
    loop.urgent = true;
    clearTimeout(loop.timer);
    void this.runOnce(key, loop);
  }

  stopAll(): void {
    for (const [key, loop] of this.loops) this.stop(key, loop);
  }

  get size(): number {
    return this.loops.size;
  }

  private start(job: ScheduledJob): void {
    const loop: Loop = {
      intervalMs: job.intervalMs,
      timer: undefined,
      running: false,
      rerun: false,
      urgent: false,
      queued: undefined,
      stopped: false,
      failures: 0,
    };
    this.loops.set(job.key, loop);
    void this.runOnce(job.key, loop);
  }

  private stop(key: string, loop: Loop): void {
    loop.stopped = true;
    clearTimeout(loop.timer);
    this.loops.delete(key);
  }

  private async runOnce(key: string, loop: Loop): Promise<void> {
    loop.running = true;
    let next = loop.intervalMs;
    const urgent = loop.urgent;
    loop.urgent = false;
    await this.acquire(loop, urgent);
    try {
      if (!loop.stopped) {
        const result = await this.run(key);
        if (result && typeof result.nextTickMs === 'number') next = Math.min(next, result.nextTickMs);
        loop.failures = 0;
      }
    } catch (err) {
      loop.failures++;
      next = retryDelayMs(err, loop.failures, loop.intervalMs);
      this.log(`reconcile of ${key} failed`, err);
    } finally {
      this.release();
      loop.running = false;
    }
    if (loop.stopped) return;
    if (loop.rerun) {
      loop.rerun = false;
      loop.urgent = true;
      next = 0;
    }
    loop.timer = setTimeout(() => void this.runOnce(key, loop), next);
  }

  private async acquire(loop: Loop, urgent: boolean): Promise<void> {
    if (this.active < this.maxConcurrent) {
      this.active++;
      return;
    }
    // The releasing run hands its slot over: `active` stays the same.
    await new Promise<void>((resolve) => {
      loop.queued = resolve;
      (urgent ? this.waitingUrgent : this.waiting).push(resolve);
    });
    loop.queued = undefined;
  }

  private promote(queued: () => void): void {
    const at = this.waiting.indexOf(queued);
    if (at < 0) return;
    this.waiting.splice(at, 1);
    this.waitingUrgent.push(queued);
  }

  private release(): void {
    const intervalsTurn = this.urgentInARow >= URGENT_SHARE && this.waiting.length > 0;
    const next = intervalsTurn ? undefined : this.waitingUrgent.shift();
    if (next) this.urgentInARow++;
    else this.urgentInARow = 0;
    const handed = next ?? this.waiting.shift();
    if (handed) handed();
    else this.active--;
  }
}
