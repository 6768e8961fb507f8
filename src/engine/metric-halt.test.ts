import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../api/types.js';
import { goDuration, metricHalt } from './metric-halt.js';

const fail = (name: string, value: number, message = 'aviary reason'): CheckResult => ({
  name,
  decision: 'fail',
  value,
  message,
});

describe("a failed metric check's event, in Flagger's words (scheduler_metrics.go)", () => {
  it('success rate: two decimals and percent signs', () => {
    const metrics = [{ name: 'request-success-rate', thresholdRange: { min: 99 } }];
    expect(metricHalt('podinfo.test', fail('request-success-rate', 88.875), metrics)).toBe(
      'Halt podinfo.test advancement success rate 88.88% < 99%',
    );
  });

  it('the deprecated threshold is a minimum for the success rate, a maximum for the rest', () => {
    expect(
      metricHalt('podinfo.test', fail('request-success-rate', 90), [
        { name: 'request-success-rate', threshold: 99 },
      ]),
    ).toBe('Halt podinfo.test advancement success rate 90.00% < 99%');
    expect(
      metricHalt('podinfo.test', fail('error-count', 12.345), [{ name: 'error-count', threshold: 10 }]),
    ).toBe('Halt podinfo.test advancement error-count 12.35 > 10');
  });

  it('request duration: whole milliseconds printed as Go durations', () => {
    const metrics = [{ name: 'request-duration', thresholdRange: { max: 500 } }];
    expect(metricHalt('podinfo.test', fail('request-duration', 1200.7), metrics)).toBe(
      'Halt podinfo.test advancement request duration 1.2s > 500ms',
    );
    expect(metricHalt('podinfo.test', fail('request-duration', 612), metrics)).toBe(
      'Halt podinfo.test advancement request duration 612ms > 500ms',
    );
  });

  it('a check that crossed no bound (sequential judge, no data) keeps its own reason', () => {
    const metrics = [{ name: 'request-success-rate', thresholdRange: { min: 99 } }];
    expect(metricHalt('podinfo.test', { ...fail('request-success-rate', 99.5), final: true }, metrics)).toBe(
      'Halt advancement podinfo.test aviary reason',
    );
    const noData: CheckResult = { name: 'request-success-rate', decision: 'fail', message: 'no data' };
    expect(metricHalt('podinfo.test', noData, metrics)).toBe('Halt advancement podinfo.test no data');
  });

  it("Go's Duration.String for whole milliseconds", () => {
    expect([0, 5, 1000, 1500, 61_250, 3_600_000, 3_723_004].map(goDuration)).toEqual([
      '0s',
      '5ms',
      '1s',
      '1.5s',
      '1m1.25s',
      '1h0m0s',
      '1h2m3.004s',
    ]);
  });
});
