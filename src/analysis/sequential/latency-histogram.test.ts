import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './latency-histogram.js';
import { logNormal, mulberry32 } from './testing/random.js';

describe('LatencyHistogram', () => {
  it('brackets every exact order statistic between its bucket edges, within 2%', () => {
    const random = mulberry32(42);
    const values = Array.from({ length: 5000 }, () => logNormal(random, 100, 0.7));
    const histogram = LatencyHistogram.of(values);
    const sorted = [...values].sort((a, b) => a - b);
    const ranks = [1, 10, 2500, 4950, 4999, 5000];
    const buckets = histogram.orderStatistics(ranks);
    ranks.forEach((rank, i) => {
      const exact = sorted[rank - 1]!;
      const bucket = buckets[i]!;
      expect(bucket.lo).toBeLessThanOrEqual(exact);
      expect(bucket.hi).toBeGreaterThan(exact);
      expect(bucket.hi / bucket.lo).toBeLessThan(1.021);
    });
    expect(Math.abs(histogram.quantile(0.5) / sorted[2499]! - 1)).toBeLessThan(0.011);
  });

  it('keeps a fixed memory bound: a million samples fit in the same buckets', () => {
    const histogram = new LatencyHistogram();
    const random = mulberry32(7);
    for (let i = 0; i < 1_000_000; i++) histogram.add(random() * 2000);
    expect(histogram.count).toBe(1_000_000);
    expect(Math.abs(histogram.quantile(0.99) - 1980)).toBeLessThan(25);
  });

  it('counts NaN, infinite and negative latencies as rejected, never as samples', () => {
    const histogram = LatencyHistogram.of([10, Number.NaN, -1, Number.POSITIVE_INFINITY, 20]);
    expect(histogram.count).toBe(2);
    expect(histogram.rejected).toBe(3);
  });

  it('merges per-pod histograms into the same result as one histogram of all samples', () => {
    const a = LatencyHistogram.of([1, 5, 300]);
    const b = LatencyHistogram.of([0, 7000000, 42]);
    a.merge(b);
    const all = LatencyHistogram.of([1, 5, 300, 0, 7000000, 42]);
    expect(a.count).toBe(6);
    expect(a.orderStatistics([1, 2, 3, 4, 5, 6])).toEqual(all.orderStatistics([1, 2, 3, 4, 5, 6]));
  });
});
