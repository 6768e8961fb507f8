import { describe, expect, it } from 'vitest';
import { binomialInterval } from './binomial.js';

describe('binomialInterval', () => {
  it('matches the exact tails of Binomial(10, 0.5)', () => {
    // P(X <= 1) = 11/1024 = 0.0107 > 0.01, P(X = 0) = 1/1024 <= 0.01: 1 is the lowest count accepted.
    expect(binomialInterval(10, 0.5, 0.02)).toEqual({ lo: 1, hi: 9 });
    // P(X <= 1) = 0.0107 <= 0.025 < P(X <= 2) = 56/1024: counts from 2 up are accepted.
    expect(binomialInterval(10, 0.5, 0.05)).toEqual({ lo: 2, hi: 8 });
  });

  it('is skewed at small p and exact at 0 and 1', () => {
    // Binomial(400, 0.1): mean 40, sd 6; at alpha 1e-6 the accepted band is about +-5 sd.
    const { lo, hi } = binomialInterval(400, 0.1, 1e-6);
    expect(lo).toBeGreaterThan(10);
    expect(hi).toBeLessThan(80);
    expect(40 - lo).toBeLessThan(hi - 40);
    expect(binomialInterval(400, 0, 1e-6)).toEqual({ lo: 0, hi: 0 });
    expect(binomialInterval(400, 1, 1e-6)).toEqual({ lo: 400, hi: 400 });
  });

  it('refuses nonsense', () => {
    expect(() => binomialInterval(0, 0.5, 0.01)).toThrow(/n must be a positive integer/);
    expect(() => binomialInterval(10, 1.5, 0.01)).toThrow(/p must be in \[0, 1\]/);
  });
});
