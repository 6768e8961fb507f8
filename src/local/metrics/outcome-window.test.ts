import { describe, expect, it } from 'vitest';
import { OutcomeWindow } from './outcome-window.js';

describe('OutcomeWindow', () => {
  it('answers counts, errors and an exact p99 over a time window', () => {
    let now = 1_000_000;
    const window = new OutcomeWindow({ now: () => now });
    for (let i = 1; i <= 100; i++) window.record('canary', i <= 3 ? 500 : 200, i);
    now += 90_000;
    window.record('canary', 200, 5000);
    expect(window.summary('canary', now - 60_000)).toMatchObject({ requests: 1, errors: 0 });
    expect(window.summary('canary', now - 120_000)).toMatchObject({ requests: 101, errors: 3 });
    expect(window.latencyQuantile('canary', 0.99, now - 120_000)).toBe(100);
    expect(window.summary('primary', now - 120_000).requests).toBe(0);
  });

  it('keeps memory bounded and falls back to the histogram when raw samples no longer cover the window', () => {
    let now = 0;
    const window = new OutcomeWindow({ now: () => now, rawCapacity: 100, retentionMs: 10_000 });
    for (let i = 0; i < 1000; i++) {
      now = i * 5;
      window.record('primary', 200, (i % 100) + 1);
    }
    const p99 = window.latencyQuantile('primary', 0.99, 0)!;
    expect(p99).toBeGreaterThan(94);
    expect(p99).toBeLessThan(106);
    expect(window.latencies('primary', 0)).toHaveLength(100);
    // Older than the retention: forgotten.
    now = 60_000;
    expect(window.summary('primary', 0).requests).toBe(0);
  });
});
