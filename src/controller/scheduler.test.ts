import { afterEach, describe, expect, it } from 'vitest';
import { CanaryScheduler } from './scheduler.js';
import { AviaryError } from '../errors.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let scheduler: CanaryScheduler | undefined;
afterEach(() => scheduler?.stopAll());

describe('per-canary scheduling', () => {
  it('runs a new canary at once, then at its interval, never two runs of one canary at a time', async () => {
    const runs: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    scheduler = new CanaryScheduler(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      runs.push(Date.now());
      await sleep(30);
      inFlight--;
    });
    scheduler.sync([{ key: 'test/podinfo', intervalMs: 50 }]);
    for (let i = 0; i < 5; i++) scheduler.poke('test/podinfo');
    await sleep(300);
    expect(maxInFlight).toBe(1);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(6);
  });

  /**
   * One slot, which canary `a` (the first of `keys`) holds while the others queue for it in order and
   * `poked` are poked; returns the order in which all of them ran once `a` let go.
   */
  async function runOrder(keys: string[], poked: string[]): Promise<string[]> {
    const order: string[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    scheduler = new CanaryScheduler(
      async (key) => {
        order.push(key);
        if (key === 'a') await held;
      },
      () => {},
      1,
    );
    scheduler.sync(keys.map((key) => ({ key, intervalMs: 60_000 })));
    for (const key of poked) scheduler.poke(key);
    release();
    await sleep(50);
    return order;
  }

  it('runs a poked canary (a new revision) before the canaries already waiting for a slot', async () => {
    expect(await runOrder(['a', 'b', 'c', 'd'], ['d'])).toEqual(['a', 'd', 'b', 'c']);
  });

  it('still gives every fourth slot to a canary waiting for its interval while pokes keep coming', async () => {
    const poked = ['p1', 'p2', 'p3', 'p4', 'p5'];
    expect(await runOrder(['a', 'first-run', ...poked], poked)).toEqual([
      'a',
      'p1',
      'p2',
      'p3',
      'first-run',
      'p4',
      'p5',
    ]);
  });

  it('stops the loop of a canary that disappeared and keeps the others', async () => {
    const seen = new Set<string>();
    const counts: Record<string, number> = { a: 0, b: 0 };
    scheduler = new CanaryScheduler((key) => {
      seen.add(key);
      counts[key] = (counts[key] ?? 0) + 1;
      return Promise.resolve();
    });
    scheduler.sync([
      { key: 'a', intervalMs: 20 },
      { key: 'b', intervalMs: 20 },
    ]);
    await sleep(50);
    scheduler.sync([{ key: 'b', intervalMs: 20 }]);
    const aAfterRemoval = counts.a;
    await sleep(100);
    expect(counts.a).toBe(aAfterRemoval);
    expect(counts.b).toBeGreaterThan(3);
    expect(scheduler.size).toBe(1);
  });

  it('keeps scheduling after a failed run, reporting the error', async () => {
    const errors: string[] = [];
    let calls = 0;
    scheduler = new CanaryScheduler(
      () => {
        calls++;
        return Promise.reject(new Error('API server unavailable'));
      },
      (message, err) => errors.push(`${message}: ${String(err)}`),
    );
    scheduler.sync([{ key: 'test/podinfo', intervalMs: 20 }]);
    await sleep(100);
    expect(calls).toBeGreaterThan(2);
    expect(errors[0]).toBe('reconcile of test/podinfo failed: Error: API server unavailable');
  });

  it('honours a shorter next tick asked by the engine', async () => {
    let calls = 0;
    scheduler = new CanaryScheduler(() => {
      calls++;
      return Promise.resolve({ nextTickMs: 10 });
    });
    scheduler.sync([{ key: 'k', intervalMs: 10_000 }]);
    await sleep(120);
    expect(calls).toBeGreaterThan(3);
  });
});

describe('bounded concurrency', () => {
  it('never runs more than maxConcurrent reconciles at once, and runs every canary', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const ran = new Set<string>();
    scheduler = new CanaryScheduler(
      async (key) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(10);
        ran.add(key);
        inFlight--;
      },
      () => {},
      3,
    );
    scheduler.sync(Array.from({ length: 20 }, (_, i) => ({ key: `ns/c${i}`, intervalMs: 60_000 })));
    const deadline = Date.now() + 5000;
    while (ran.size < 20 && Date.now() < deadline) await sleep(10);
    expect(ran.size).toBe(20);
    expect(maxInFlight).toBe(3);
  });
});

describe('retries after a failed run', () => {
  it('retries a retriable error within about a second, and leaves a non-retriable one to its interval', async () => {
    const calls: Record<string, number> = { outage: 0, forbidden: 0 };
    scheduler = new CanaryScheduler(
      (key) => {
        calls[key] = (calls[key] ?? 0) + 1;
        if (calls[key] > 1) return Promise.resolve();
        const code = key === 'outage' ? 'UNAVAILABLE' : 'FORBIDDEN';
        return Promise.reject(new AviaryError(code, `${key} on the first run`));
      },
      () => {},
    );
    scheduler.sync([
      { key: 'outage', intervalMs: 60_000 },
      { key: 'forbidden', intervalMs: 60_000 },
    ]);
    const deadline = Date.now() + 3000;
    while ((calls['outage'] ?? 0) < 2 && Date.now() < deadline) await sleep(20);
    expect(calls['outage']).toBe(2);
    expect(calls['forbidden']).toBe(1);
  });
});
