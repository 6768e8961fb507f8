import { describe, expect, it } from 'vitest';
import type { CanaryMetric } from '../api/types.js';
import { judgeReading, thresholdBounds } from './threshold.js';

const successRate: CanaryMetric = { name: 'request-success-rate', thresholdRange: { min: 99 } };
const duration: CanaryMetric = { name: 'request-duration', thresholdRange: { max: 500 } };

describe('thresholdBounds', () => {
  it('keeps thresholdRange as written', () => {
    expect(thresholdBounds({ name: 'x', thresholdRange: { min: 1, max: 2 } })).toEqual({ min: 1, max: 2 });
  });
  it('deprecated threshold: a minimum for request-success-rate, a maximum for anything else', () => {
    expect(thresholdBounds({ name: 'request-success-rate', threshold: 99 })).toEqual({ min: 99 });
    expect(thresholdBounds({ name: 'request-duration', threshold: 500 })).toEqual({ max: 500 });
    expect(thresholdBounds({ name: 'custom', threshold: 3 })).toEqual({ max: 3 });
  });
});

describe('judgeReading', () => {
  it('passes within range, fails outside with the value and the bound', () => {
    expect(judgeReading(successRate, { kind: 'value', value: 99.5 }, '1m')).toMatchObject({
      decision: 'pass',
      value: 99.5,
      threshold: '>= 99',
    });
    expect(judgeReading(successRate, { kind: 'value', value: 94.1234 }, '1m')).toMatchObject({
      decision: 'fail',
      message: 'request-success-rate 94.12 < 99',
    });
    expect(judgeReading(duration, { kind: 'value', value: 512 }, '1m')).toMatchObject({
      decision: 'fail',
      message: 'request-duration 512 > 500',
      threshold: '<= 500',
    });
  });

  it('no data, query errors and NaN fail with their reason', () => {
    expect(judgeReading(successRate, { kind: 'no-data', reason: 'label missing' }, '1m')).toMatchObject({
      decision: 'fail',
      message: 'no data for request-success-rate over 1m: label missing',
    });
    expect(judgeReading(successRate, { kind: 'error', reason: '503 from prometheus' }, '1m')).toMatchObject({
      decision: 'fail',
      message: 'query for request-success-rate failed: 503 from prometheus',
    });
    expect(judgeReading(successRate, { kind: 'value', value: Number.NaN }, '1m').decision).toBe('fail');
  });

  it('too few samples is inconclusive, whatever the value', () => {
    const metric = { ...successRate, minSamples: 50 };
    expect(judgeReading(metric, { kind: 'value', value: 10, samples: 7 }, '2m')).toMatchObject({
      decision: 'inconclusive',
      samples: 7,
      message: 'not enough traffic: 7 requests in 2m, need 50 — add a load-test webhook or lower minSamples',
    });
    expect(judgeReading(metric, { kind: 'value', value: 99.9, samples: 50 }, '2m').decision).toBe('pass');
  });

  it('a metric without any threshold is recorded, and says it was not judged', () => {
    expect(judgeReading({ name: 'custom' }, { kind: 'value', value: 3 }, '1m').message).toContain(
      'not judged',
    );
  });
});
