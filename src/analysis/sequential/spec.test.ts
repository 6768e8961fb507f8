import { describe, expect, it } from 'vitest';
import { toCheckResult } from './check-result.js';
import { compareErrorRates } from './error-rate.js';
import { errorRateOptionsFromSpec, latencyOptionsFromSpec } from './spec.js';

describe('compareWithPrimary spec -> judge options', () => {
  it('reads the error-rate margin in percentage points, as the spec documents', () => {
    expect(errorRateOptionsFromSpec('error-rate', { maxIncrease: 1, alpha: 0.01 })).toEqual({
      metric: 'error-rate',
      maxIncrease: 0.01,
      alpha: 0.01,
    });
  });

  it('reads a latency maxIncrease alone as milliseconds with no percentage on top', () => {
    expect(latencyOptionsFromSpec('request-duration', { maxIncrease: 50 })).toEqual({
      metric: 'request-duration',
      maxIncreasePercent: 0,
      maxIncreaseMs: 50,
    });
    expect(latencyOptionsFromSpec('request-duration', { maxIncreasePercent: 10, quantile: 0.9 })).toEqual({
      metric: 'request-duration',
      maxIncreasePercent: 10,
      quantile: 0.9,
    });
  });
});

describe('toCheckResult', () => {
  it('keeps the numbers and the message for status.lastChecks', () => {
    const verdict = compareErrorRates({
      canary: { requests: 812, errors: 41 },
      primary: { requests: 7301, errors: 7 },
    });
    expect(toCheckResult(verdict)).toEqual({
      name: 'error-rate',
      decision: 'fail',
      value: 41 / 812,
      primaryValue: 7 / 7301,
      samples: 812,
      primarySamples: 7301,
      threshold: 'canary <= primary + 1.0pp',
      message: verdict.message,
    });
  });
});
