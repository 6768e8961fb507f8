import { describe, expect, it } from 'vitest';
import type { CanaryMetric, CheckResult } from '../api/types.js';
import { podinfoCanary, ScriptedMetrics, value } from '../engine/testing/index.js';
import { defaultRunners, kindsOf, runMetricChecks, verdictOf, type CheckContext } from './checks.js';

const context = (metrics = new ScriptedMetrics()): CheckContext => ({
  canary: podinfoCanary(),
  metrics,
  now: 0,
  analysisStartedAtMs: 0,
});

describe('kindsOf', () => {
  it('a comparison replaces the threshold check, or adds to it when a range is also set', () => {
    expect(kindsOf({ name: 'a' })).toEqual(['threshold']);
    expect(kindsOf({ name: 'a', compareWithPrimary: {} })).toEqual(['compare-with-primary']);
    expect(kindsOf({ name: 'a', compareWithPrimary: {}, thresholdRange: { max: 1 } })).toEqual([
      'compare-with-primary',
      'threshold',
    ]);
  });
});

describe('runMetricChecks', () => {
  it('reads each metric over its own interval (default 1m)', async () => {
    const metrics = new ScriptedMetrics({ a: value(1), b: value(2) });
    const list: CanaryMetric[] = [
      { name: 'a', thresholdRange: { max: 5 } },
      { name: 'b', interval: '5m', thresholdRange: { max: 5 } },
    ];
    const results = await runMetricChecks(list, context(metrics), defaultRunners());
    expect(results.map((r) => r.decision)).toEqual(['pass', 'pass']);
    expect(metrics.queries.map((q) => q.intervalMs)).toEqual([60_000, 300_000]);
  });

  it('uses the runner registered for a kind', async () => {
    const runner = {
      run: (m: CanaryMetric): Promise<CheckResult> =>
        Promise.resolve({ name: m.name, decision: 'inconclusive', message: 'judge says wait' }),
    };
    const results = await runMetricChecks(
      [{ name: 'x', compareWithPrimary: {} }],
      context(),
      defaultRunners({ 'compare-with-primary': runner }),
    );
    expect(results).toEqual([{ name: 'x', decision: 'inconclusive', message: 'judge says wait' }]);
  });
});

describe('verdictOf', () => {
  const r = (decision: CheckResult['decision']): CheckResult => ({ name: 'x', decision, message: '' });
  it('any failure fails; else any inconclusive holds; else pass (and no checks pass)', () => {
    expect(verdictOf([r('pass'), r('inconclusive'), r('fail')])).toBe('fail');
    expect(verdictOf([r('pass'), r('inconclusive')])).toBe('inconclusive');
    expect(verdictOf([r('pass')])).toBe('pass');
    expect(verdictOf([])).toBe('pass');
  });
});
