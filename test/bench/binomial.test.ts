import { describe, expect, it } from 'vitest';
import { clopperPearson } from '../../bench/flagger/binomial.js';

// bench/README.md quotes these intervals beside every false-rollback count.
describe('clopperPearson (the 95% interval bench/flagger prints)', () => {
  it('matches the closed forms at the edges: 0 of n and n of n', () => {
    for (const n of [3, 10, 18, 400]) {
      const edge = 0.025 ** (1 / n);
      expect(clopperPearson(0, n)[0]).toBe(0);
      expect(clopperPearson(0, n)[1]).toBeCloseTo(1 - edge, 9);
      expect(clopperPearson(n, n)[0]).toBeCloseTo(edge, 9);
      expect(clopperPearson(n, n)[1]).toBe(1);
    }
  });

  it('matches published values and is symmetric in k and n - k, also where (1 - p)^n underflows', () => {
    const [lo, hi] = clopperPearson(50, 100);
    expect(lo).toBeCloseTo(0.3983, 4);
    expect(hi).toBeCloseTo(0.6017, 4);
    const [a, b] = clopperPearson(22, 400);
    const [c, d] = clopperPearson(378, 400);
    expect(c).toBeCloseTo(1 - b, 9);
    expect(d).toBeCloseTo(1 - a, 9);
    expect(c).toBeGreaterThan(0.9);
  });

  it('names the fields when the counts make no sense', () => {
    expect(() => clopperPearson(5, 3)).toThrow(/0 <= k <= n, n > 0; got k=5, n=3/);
  });
});
