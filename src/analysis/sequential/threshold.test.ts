import { describe, expect, it } from 'vitest';
import { checkThreshold } from './threshold.js';

describe('checkThreshold', () => {
  const successRate = { metric: 'request-success-rate', min: 99, minSamples: 50 };

  it('passes a value within range and fails one outside, with the numbers in the message', () => {
    expect(checkThreshold({ value: 99.6, samples: 300 }, successRate)).toMatchObject({
      decision: 'pass',
      message: 'request-success-rate 99.6 (n=300) is within >= 99 -> pass',
    });
    expect(checkThreshold({ value: 94.1, samples: 300 }, successRate)).toMatchObject({
      decision: 'fail',
      message: 'request-success-rate 94.1 (n=300) is below the minimum 99 -> fail',
    });
    expect(
      checkThreshold({ value: 612, samples: 300 }, { metric: 'request-duration', max: 500 }).decision,
    ).toBe('fail');
  });

  it('is inconclusive below minSamples, however good the value looks', () => {
    const verdict = checkThreshold({ value: 100, samples: 3 }, successRate);
    expect(verdict).toMatchObject({
      decision: 'inconclusive',
      reason: 'not-enough-samples',
      canarySamples: 3,
    });
    expect(verdict.message).toContain('need 50');
  });

  it('never passes a missing value', () => {
    for (const value of [Number.NaN, null, undefined, Number.POSITIVE_INFINITY]) {
      const verdict = checkThreshold({ value, samples: 1000 }, successRate);
      expect(verdict.decision).toBe('inconclusive');
      expect(verdict.reason).toBe('no-data');
    }
    expect(checkThreshold({ value: 100 }, successRate).decision).toBe('inconclusive');
  });

  it('refuses a range with no bounds or crossed bounds', () => {
    expect(checkThreshold({ value: 1 }, { metric: 'm' }).reason).toBe('invalid-input');
    expect(checkThreshold({ value: 1 }, { metric: 'm', min: 5, max: 1 }).reason).toBe('invalid-input');
  });
});
