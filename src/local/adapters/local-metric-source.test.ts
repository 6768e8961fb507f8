import { describe, expect, it } from 'vitest';
import type { Canary, CanaryMetric } from '../../api/types.js';
import { OutcomeWindow } from '../metrics/outcome-window.js';
import { LocalMetricSource } from './local-metric-source.js';

const canary = { metadata: { name: 'app' } } as Canary;

function setup() {
  let now = 10_000_000;
  const window = new OutcomeWindow({ now: () => now });
  const source = new LocalMetricSource({ window, routerPort: () => 8080 });
  const read = (metric: CanaryMetric, intervalMs = 60_000) => source.read({ canary, metric, intervalMs });
  return { window, source, read, advance: (ms: number) => (now += ms), now: () => now };
}

describe('LocalMetricSource', () => {
  it('answers request-success-rate as the percentage of non-5xx canary responses, with the request count', async () => {
    const { window, read } = setup();
    for (let i = 0; i < 200; i++) window.record('canary', i < 3 ? 503 : i < 10 ? 404 : 200, 5);
    for (let i = 0; i < 50; i++) window.record('primary', 500, 5);
    expect(await read({ name: 'request-success-rate', thresholdRange: { min: 99 } })).toEqual({
      kind: 'value',
      value: 98.5,
      samples: 200,
    });
  });

  it('answers request-duration as the canary p99 in ms over the interval only', async () => {
    const { window, read, advance } = setup();
    for (let i = 0; i < 100; i++) window.record('canary', 200, 1000); // outside the 1m interval
    advance(120_000);
    for (let i = 1; i <= 1000; i++) window.record('canary', 200, i);
    const reading = await read({ name: 'request-duration' });
    expect(reading).toEqual({ kind: 'value', value: 990, samples: 1000 });
  });

  it('says where traffic should flow when the canary saw no requests', async () => {
    const { window, read } = setup();
    window.record('primary', 200, 1);
    expect(await read({ name: 'request-success-rate' })).toEqual({
      kind: 'no-data',
      reason:
        'no requests reached the canary in the last 1m — is traffic flowing through the router at :8080?',
    });
    expect((await read({ name: 'request-duration' }, 30_000)).kind).toBe('no-data');
  });

  it('refuses unknown metrics and template queries with a reason', async () => {
    const { read } = setup();
    const unknown = await read({ name: 'error-budget' });
    expect(unknown).toMatchObject({ kind: 'error' });
    expect(unknown.kind === 'error' && unknown.reason).toMatch(
      /unknown metric "error-budget".*request-success-rate and request-duration/,
    );
    const templated = await read({ name: 'request-success-rate', templateRef: { name: 'custom' } });
    expect(templated.kind === 'error' && templated.reason).toMatch(/templateRef custom/);
  });

  it('returns canary and primary outcomes since a time, with bounded latency samples', async () => {
    const { window, source, now, advance } = setup();
    window.record('canary', 200, 1);
    advance(5000);
    const since = now();
    for (let i = 0; i < 20; i++) window.record('canary', i % 10 === 0 ? 500 : 200, i);
    for (let i = 0; i < 30; i++) window.record('primary', 200, 2);
    const reading = await new LocalMetricSource({
      window,
      routerPort: () => 1,
      maxLatencySamples: 10,
    }).outcomes(canary, { name: 'request-success-rate' }, since);
    expect(reading).toMatchObject({
      kind: 'outcomes',
      canary: { requests: 20, errors: 2 },
      primary: { requests: 30, errors: 0 },
    });
    if (reading.kind === 'outcomes') {
      expect(reading.canary.latenciesMs).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      expect(reading.primary.latenciesMs).toHaveLength(10);
    }
    expect((await source.outcomes(canary, { name: 'request-duration' }, now() + 1000)).kind).toBe('no-data');
  });
});
