/**
 * One loop per Canary at its analysis interval (Flagger's CanaryJob). A loop never overlaps itself:
 * the next run is scheduled when the current one ends. `poke` runs a canary now (a spec or target
 * change), coalescing with a run already in progress.
 */
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
  stopped: boolean;
}

export class CanaryScheduler {
  private readonly loops = new Map<string, Loop>();

  constructor(
    private readonly run: RunCanary,
    private readonly log: (message: string, err?: unknown) => void = () => {},
  ) {}

  /** Makes the set of loops match `jobs`: starts new ones (running at once), stops removed ones. */
  sync(jobs: ScheduledJob[]): void {
    const wanted = new Set(jobs.map((j) => j.key));
    for (const [key, loop] of this.loops) {
      if (!wanted.has(key)) this.stop(key, loop);
    }
    for (const job of jobs) {
      const loop = this.loops.get(job.key);
      if (!loop) this.start(job);
      else if (loop.intervalMs !== job.intervalMs) {
        loop.intervalMs = job.intervalMs;
        this.poke(job.key);
      }
    }
  }

  poke(key: string): void {
    const loop = this.loops.get(key);
    if (!loop || loop.stopped) return;
    if (loop.running) {
      loop.rerun = true;
      return;
    }
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
      stopped: false,
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
    try {
      const result = await this.run(key);
      if (result && typeof result.nextTickMs === 'number') next = Math.min(next, result.nextTickMs);
    } catch (err) {
      this.log(`reconcile of ${key} failed`, err);
    } finally {
      loop.running = false;
    }
    if (loop.stopped) return;
    if (loop.rerun) {
      loop.rerun = false;
      next = 0;
    }
    loop.timer = setTimeout(() => void this.runOnce(key, loop), next);
  }
}
