import { describe, expect, it } from 'vitest';
import { compareErrorRates, type OutcomeCounts } from './error-rate.js';
import { binomial, mulberry32 } from './testing/random.js';

/** A Flagger-era habit: a one-sided pooled two-proportion z-test at 1.645, repeated at every look. */
function naiveZTestFails(canary: OutcomeCounts, primary: OutcomeCounts, margin: number): boolean {
  const pc = canary.errors / canary.requests;
  const pp = primary.errors / primary.requests;
  const pooled = (canary.errors + primary.errors) / (canary.requests + primary.requests);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / canary.requests + 1 / primary.requests));
  return se > 0 && (pc - pp - margin) / se > 1.645;
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

describe('compareErrorRates', () => {
  it('fails a clear regression (5% vs 0.1%) after a few hundred canary requests', () => {
    // 10% of 50 req/s: 5 canary and 45 primary requests a second, judged every second.
    const failedAfter: number[] = [];
    for (let run = 0; run < 100; run++) {
      const random = mulberry32(run + 1);
      const canary = { requests: 0, errors: 0 };
      const primary = { requests: 0, errors: 0 };
      for (let second = 1; second <= 600; second++) {
        canary.requests += 5;
        canary.errors += binomial(random, 5, 0.05);
        primary.requests += 45;
        primary.errors += binomial(random, 45, 0.001);
        const verdict = compareErrorRates({ canary, primary });
        expect(verdict.decision).not.toBe('pass');
        if (verdict.decision === 'fail') {
          failedAfter.push(canary.requests);
          break;
        }
      }
    }
    expect(failedAfter).toHaveLength(100);
    expect(percentile(failedAfter, 0.5)).toBeLessThanOrEqual(400);
    expect(percentile(failedAfter, 0.95)).toBeLessThanOrEqual(1000);
  });

  it('explains a failure with both rates, sample sizes, the interval, the margin and alpha', () => {
    const verdict = compareErrorRates({
      canary: { requests: 812, errors: 41 },
      primary: { requests: 7301, errors: 7 },
    });
    expect(verdict.decision).toBe('fail');
    expect(verdict.message).toMatch(
      /^error rate canary 5\.05% \(n=812\) vs primary 0\.10% \(n=7301\): difference CI \[\d+\.\d%, \d+\.\d%\] is above the 1\.0pp margin at alpha 0\.05 -> fail$/,
    );
    expect(verdict.statistic?.interval.lo).toBeGreaterThan(0.01);
    expect(verdict).toMatchObject({ canarySamples: 812, primarySamples: 7301, alpha: 0.05 });
  });

  it('keeps false failures under alpha in A/A runs watched every 50 requests, where a repeated z-test does not', () => {
    // Worst case for a false fail: identical rates and a zero margin (the null's boundary).
    const alpha = 0.05;
    const runs = 500;
    let sequentialFails = 0;
    let naiveFailsAnyLook = 0;
    let naiveFailsLastLookOnly = 0;
    for (let run = 0; run < runs; run++) {
      const random = mulberry32(10_000 + run);
      const canary = { requests: 0, errors: 0 };
      const primary = { requests: 0, errors: 0 };
      let sequentialFailed = false;
      let naiveFailed = false;
      for (let look = 1; look <= 100; look++) {
        canary.requests += 50;
        canary.errors += binomial(random, 50, 0.05);
        primary.requests += 50;
        primary.errors += binomial(random, 50, 0.05);
        if (
          !sequentialFailed &&
          compareErrorRates({ canary, primary }, { maxIncrease: 0, alpha }).decision === 'fail'
        ) {
          sequentialFailed = true;
        }
        if (naiveZTestFails(canary, primary, 0)) naiveFailed = true;
      }
      if (sequentialFailed) sequentialFails++;
      if (naiveFailed) naiveFailsAnyLook++;
      if (naiveZTestFails(canary, primary, 0)) naiveFailsLastLookOnly++;
    }
    expect(sequentialFails / runs).toBeLessThanOrEqual(alpha);
    // The z-test is fine when looked at once...
    expect(naiveFailsLastLookOnly / runs).toBeLessThanOrEqual(0.08);
    // ...and far above alpha when peeked at 100 times.
    expect(naiveFailsAnyLook / runs).toBeGreaterThan(2 * alpha);
  });

  it('never fails identical 0.1% canary and primary with the default 1pp margin, and passes them', () => {
    let passed = 0;
    for (let run = 0; run < 50; run++) {
      const random = mulberry32(20_000 + run);
      const canary = { requests: 0, errors: 0 };
      const primary = { requests: 0, errors: 0 };
      for (let second = 1; second <= 600; second++) {
        canary.requests += 5;
        canary.errors += binomial(random, 5, 0.001);
        primary.requests += 45;
        primary.errors += binomial(random, 45, 0.001);
        const decision = compareErrorRates({ canary, primary }).decision;
        expect(decision).not.toBe('fail');
        if (decision === 'pass') {
          passed++;
          break;
        }
      }
    }
    expect(passed).toBe(50);
  });

  it('eventually passes a small regression below the margin (0.5% vs 0.1%, margin 1pp)', () => {
    let passed = 0;
    for (let run = 0; run < 40; run++) {
      const random = mulberry32(30_000 + run);
      const canary = { requests: 0, errors: 0 };
      const primary = { requests: 0, errors: 0 };
      for (let look = 1; look <= 400; look++) {
        canary.requests += 50;
        canary.errors += binomial(random, 50, 0.005);
        primary.requests += 450;
        primary.errors += binomial(random, 450, 0.001);
        const decision = compareErrorRates({ canary, primary }).decision;
        expect(decision).not.toBe('fail');
        if (decision === 'pass') {
          passed++;
          break;
        }
      }
    }
    expect(passed).toBeGreaterThanOrEqual(38);
  });

  it('is inconclusive for a starved canary and says what to do', () => {
    const verdict = compareErrorRates({
      canary: { requests: 12, errors: 0 },
      primary: { requests: 108, errors: 0 },
      elapsedMs: 60_000,
    });
    expect(verdict.decision).toBe('inconclusive');
    expect(verdict.reason).toBe('not-enough-samples');
    expect(verdict.message).toBe(
      'not enough traffic: 12 requests in 1m, need 100 — add a load-test webhook or lower minSamples',
    );
  });

  it('never passes NaN, empty or impossible counts', () => {
    const cases: { canary: OutcomeCounts; primary: OutcomeCounts }[] = [
      { canary: { requests: Number.NaN, errors: 0 }, primary: { requests: 1000, errors: 1 } },
      { canary: { requests: 1000, errors: Number.NaN }, primary: { requests: 1000, errors: 1 } },
      { canary: { requests: 1000, errors: 0 }, primary: { requests: Number.POSITIVE_INFINITY, errors: 0 } },
      { canary: { requests: 0, errors: 0 }, primary: { requests: 0, errors: 0 } },
      { canary: { requests: 1000, errors: 0 }, primary: { requests: 0, errors: 0 } },
      { canary: { requests: 1000, errors: 1001 }, primary: { requests: 1000, errors: 0 } },
      { canary: { requests: -5, errors: 0 }, primary: { requests: 1000, errors: 0 } },
      { canary: { requests: 100.5, errors: 0 }, primary: { requests: 1000, errors: 0 } },
    ];
    for (const observation of cases) {
      const verdict = compareErrorRates(observation, { minSamples: 0 });
      expect(verdict.decision).toBe('inconclusive');
      expect(verdict.reason).not.toBe('evidence');
      expect(verdict.message).toMatch(/ — /);
    }
  });

  it('rejects options that cannot be meant', () => {
    expect(() =>
      compareErrorRates(
        { canary: { requests: 1, errors: 0 }, primary: { requests: 1, errors: 0 } },
        { maxIncrease: 1 },
      ),
    ).toThrow(/0\.01 = 1 percentage point/);
    expect(() =>
      compareErrorRates(
        { canary: { requests: 1, errors: 0 }, primary: { requests: 1, errors: 0 } },
        { alpha: 0 },
      ),
    ).toThrow(/alpha/);
  });
});
