import { describe, expect, it } from 'vitest';
import { countAcceptanceBand, proportionConfidenceSequence } from './beta-binomial.js';
import { mulberry32 } from './testing/random.js';

describe('proportionConfidenceSequence', () => {
  it('contains the observed proportion and narrows as requests accumulate', () => {
    const small = proportionConfidenceSequence(5, 100, 0.05);
    const large = proportionConfidenceSequence(500, 10_000, 0.05);
    for (const cs of [small, large]) {
      expect(cs.lo).toBeLessThan(0.05);
      expect(cs.hi).toBeGreaterThan(0.05);
    }
    expect(large.hi - large.lo).toBeLessThan((small.hi - small.lo) / 5);
  });

  it('starts at 0 when nothing failed and says nothing before the first request', () => {
    expect(proportionConfidenceSequence(0, 1000, 0.05).lo).toBe(0);
    expect(proportionConfidenceSequence(0, 0, 0.05)).toEqual({ lo: 0, hi: 1 });
  });

  it('holds the true rate at every look at once in at least 1 - alpha of runs', () => {
    const alpha = 0.05;
    const p = 0.02;
    const runs = 200;
    let missed = 0;
    for (let run = 0; run < runs; run++) {
      const random = mulberry32(1000 + run);
      let errors = 0;
      for (let n = 1; n <= 3000; n++) {
        if (random() < p) errors++;
        if (n % 10 !== 0) continue;
        const cs = proportionConfidenceSequence(errors, n, alpha);
        if (p < cs.lo || p > cs.hi) {
          missed++;
          break;
        }
      }
    }
    expect(missed / runs).toBeLessThanOrEqual(alpha);
  });
});

describe('countAcceptanceBand', () => {
  it('is an interval of counts around n * p that widens with n', () => {
    const band100 = countAcceptanceBand(100, 0.5, 0.05);
    const band10k = countAcceptanceBand(10_000, 0.5, 0.05);
    expect(band100).not.toBeNull();
    expect(band10k).not.toBeNull();
    expect(band100!.min).toBeLessThan(50);
    expect(band100!.max).toBeGreaterThan(50);
    expect(band10k!.max - band10k!.min).toBeGreaterThan(band100!.max - band100!.min);
    // ... but narrows relative to n.
    expect((band10k!.max - band10k!.min) / 10_000).toBeLessThan((band100!.max - band100!.min) / 100);
  });
});
