import { describe, expect, it } from 'vitest';
import { latencySample } from './latency.js';

describe('latency sample from histogram buckets', () => {
  it('spreads counts inside buckets and bounds the sample size', () => {
    const buckets = [
      { le: 10, count: 900 },
      { le: 100, count: 1990 },
      { le: Infinity, count: 2000 },
    ];
    const sample = latencySample(buckets, 1);
    expect(sample.length).toBe(1000);
    expect(sample.filter((v) => v <= 10).length).toBe(450);
    expect(Math.max(...sample)).toBe(100);
    expect(latencySample([{ le: 0.5, count: 2 }], 1000)).toEqual([125, 375]);
    expect(latencySample([], 1)).toEqual([]);
  });
});
