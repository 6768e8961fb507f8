import { describe, expect, it } from 'vitest';
import { AviaryError } from '../errors.js';
import { retryDelayMs } from './backoff.js';

const longest = () => 0.999999;
const shortest = () => 0;
const unavailable = new AviaryError('UNAVAILABLE', 'reading canary test/podinfo: 503');
const forbidden = new AviaryError('FORBIDDEN', 'patching deployments is forbidden');

describe('back-off after a failed reconcile', () => {
  it('retries a retriable error after about a second, doubling, never past the analysis interval', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(unavailable, n, 30_000, longest));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('waits at least the interval after an error that asking again will not fix, up to ten intervals or 5 minutes', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(forbidden, n, 60_000, longest))).toEqual([
      60_000, 120_000, 240_000, 300_000, 300_000,
    ]);
    expect([1, 2, 5].map((n) => retryDelayMs(forbidden, n, 10_000, longest))).toEqual([
      10_000, 20_000, 100_000,
    ]);
    // A plain Error is a bug, not a passing outage: no fast retries.
    expect(retryDelayMs(new Error('undefined is not a function'), 1, 60_000, longest)).toBe(60_000);
  });

  it('jitters each delay between half and all of it', () => {
    expect(retryDelayMs(unavailable, 3, 30_000, shortest)).toBe(2000);
    expect(retryDelayMs(unavailable, 3, 30_000, () => 0.5)).toBe(3000);
    const spread = new Set(Array.from({ length: 50 }, () => retryDelayMs(unavailable, 3, 30_000)));
    expect(spread.size).toBeGreaterThan(10);
  });

  it('stays bounded after any number of failures', () => {
    expect(retryDelayMs(unavailable, 10_000, 30_000, longest)).toBe(30_000);
    expect(retryDelayMs(forbidden, 10_000, 10_000, longest)).toBe(100_000);
  });
});
