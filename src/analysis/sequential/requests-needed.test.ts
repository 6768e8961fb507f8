import { describe, expect, it } from 'vitest';
import { compareErrorRates } from './error-rate.js';
import { canaryRequestsToDecide } from './requests-needed.js';

const OPTIONS = { maxIncrease: 0.01, alpha: 0.05 };
/** The comparison with both versions' counts at `n` canary requests, the split and the rates kept. */
const decisionAt = (n: number, canaryRate: number, primaryPerCanary: number, primaryRate: number) =>
  compareErrorRates(
    {
      canary: { requests: n, errors: Math.round(canaryRate * n) },
      primary: {
        requests: Math.round(primaryPerCanary * n),
        errors: Math.round(primaryRate * primaryPerCanary * n),
      },
    },
    OPTIONS,
  ).decision;

describe('canaryRequestsToDecide', () => {
  it('forecasts the canary requests at which the judge decides, within 3%, for the bench case and others', () => {
    for (const [canary, primary] of [
      [
        { requests: 276, errors: 0 },
        { requests: 3572, errors: 2 },
      ], // bench/README.md, 5 req/s
      [
        { requests: 200, errors: 1 },
        { requests: 1800, errors: 2 },
      ],
      [
        { requests: 200, errors: 6 },
        { requests: 1800, errors: 2 },
      ], // a regression: when it fails
      [
        { requests: 300, errors: 1 },
        { requests: 300, errors: 0 },
      ],
    ] as const) {
      const n = canaryRequestsToDecide(canary, primary, OPTIONS.maxIncrease, OPTIONS.alpha);
      expect(n, JSON.stringify([canary, primary])).toBeDefined();
      const rates = [
        canary.errors / canary.requests,
        primary.requests / canary.requests,
        primary.errors / primary.requests,
      ] as const;
      expect(decisionAt(n!, ...rates)).not.toBe('inconclusive');
      expect(decisionAt(Math.floor(n! * 0.97), ...rates)).toBe('inconclusive');
    }
  });

  it('has no forecast when the canary sits on the margin, and the message says so', () => {
    const canary = { requests: 2000, errors: 22 };
    const primary = { requests: 20_000, errors: 20 };
    expect(canaryRequestsToDecide(canary, primary, OPTIONS.maxIncrease, OPTIONS.alpha)).toBeUndefined();
    expect(compareErrorRates({ canary, primary }, OPTIONS).message).toMatch(
      /-> inconclusive \(more traffic may not decide this: the observed difference \(1.0pp\) sits on the 1.0pp margin/,
    );
  });

  it("is in an inconclusive verdict's message, with the wait at the canary's observed rate", () => {
    const verdict = compareErrorRates(
      { canary: { requests: 276, errors: 0 }, primary: { requests: 3572, errors: 2 }, elapsedMs: 50_000 },
      OPTIONS,
    );
    expect(verdict.message).toBe(
      "error rate canary 0.00% (n=276) vs primary 0.06% (n=3572): difference CI [-0.39%, 2.5%] includes the 1.0pp margin at alpha 0.05 -> inconclusive (not enough traffic yet: about 750 canary requests would decide at these rates, 480 more, about 1m26s at the canary's 5.5 req/s)",
    );
  });
});
