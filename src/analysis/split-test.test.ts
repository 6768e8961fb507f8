import { describe, expect, it } from 'vitest';
import { binomialPValue, binomialRange, multinomialPValue, requestsNeeded, testSplit } from './split-test.js';

describe('split test', () => {
  it("matches R's binom.test", () => {
    // binom.test(682, 925, p = 0.75)$p.value = 0.3825; binom.test(80, 100, 0.9)$p.value = 0.0023
    expect(binomialPValue(682, 925, 0.75)).toBeCloseTo(0.3825, 4);
    expect(binomialPValue(80, 100, 0.9)).toBeCloseTo(0.0023, 4);
  });

  it("gives the seed's 90/10 range for 100 requests", () => {
    expect(binomialRange(100, 0.9, 0.95)).toEqual([84, 95]);
  });

  it('the multinomial test accepts the expected split and rejects a skewed one', () => {
    expect(multinomialPValue([30, 30, 40], [0.3, 0.3, 0.4])).toBeCloseTo(1, 6);
    expect(multinomialPValue([50, 30, 20], [0.3, 0.3, 0.4])).toBeLessThan(1e-4);
    expect(() => multinomialPValue([10_000, 10_000, 10_000], [0.3, 0.3, 0.4])).toThrow(
      /compare two versions/,
    );
  });

  it('too few requests is "too-few" with the count needed, never consistent', () => {
    expect(requestsNeeded(10, 0.95)).toBe(34);
    const result = testSplit({ v1: 10, v2: 0 }, { v1: 90, v2: 10 }, 0.95);
    expect(result).toMatchObject({ verdict: 'too-few', needed: 34 });
    // A split off beyond chance is off even with few requests.
    expect(testSplit({ v1: 0, v2: 10 }, { v1: 90, v2: 10 }, 0.95).verdict).toBe('mismatch');
  });
});
