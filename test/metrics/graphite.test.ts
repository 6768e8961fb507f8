/**
 * Graphite for real: Debian's carbon-cache and graphite-web (./graphite-server.ts), points written over
 * carbon's plaintext protocol, read back through the graphite reader as the controller would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithPrimaryRunner } from '../../src/analysis/compare-with-primary.js';
import { closedPort } from '../../src/hooks/testing.js';
import { canary, online, read, source, template } from './fixtures.js';
import { startGraphite, type RunningGraphite } from './graphite-server.js';

let graphite: RunningGraphite;
const now = Math.floor(Date.now() / 1000);
// Each run writes under its own prefix, so reruns against a kept storage cannot mix.
const prefix = `aviary.t${now}`;
const real = () => source({ now: Date.now, timeoutMs: 10_000 });

beforeAll(async () => {
  graphite = await startGraphite();
  await graphite.write([
    [`${prefix}.podinfo.requests`, 400, now - 20],
    [`${prefix}.podinfo.requests`, 600, now - 10],
    [`${prefix}.podinfo.errors`, 12, now - 10],
    [`${prefix}.podinfo-primary.requests`, 1000, now - 10],
    [`${prefix}.podinfo-primary.errors`, 1, now - 10],
    [`${prefix}.other.latency`, 80, now - 10],
    [`${prefix}.other2.latency`, 90, now - 10],
  ]);
  await graphite.waitForPoint(`${prefix}.podinfo.requests`, now - 10);
  await graphite.waitForPoint(`${prefix}.podinfo-primary.errors`, now - 10);
  await graphite.waitForPoint(`${prefix}.other2.latency`, now - 10);
}, 90_000);
afterAll(() => graphite?.stop());

describe('graphite (real carbon-cache and graphite-web)', () => {
  it('reads the newest point of the rendered target; {{ interval }} is written in Graphite units', async () => {
    const t = template(
      { type: 'graphite', address: graphite.url },
      `target=sumSeries(${prefix}.{{ target }}.requests)
       &from=-{{ interval }}`,
    );
    expect(await read(real(), t, { interval: '2m' })).toEqual({ kind: 'value', value: 600 });
    // summarize over the interval: Graphite's own arithmetic, rendered with from=-2min
    const summed = template(
      { type: 'graphite', address: graphite.url },
      `target=summarize(${prefix}.{{ target }}.requests,"{{ interval }}","sum",true)&from=-{{ interval }}`,
    );
    expect(await read(real(), summed, { interval: '2m' })).toEqual({ kind: 'value', value: 1000 });
  });

  it('a series never written is no data; several series are an error asking for an aggregation', async () => {
    const none = template(
      { type: 'graphite', address: graphite.url },
      `target=${prefix}.absent.requests&from=-5min`,
    );
    expect(await read(real(), none)).toMatchObject({
      kind: 'no-data',
      reason: expect.stringMatching(/no series matching/),
    });
    const many = template(
      { type: 'graphite', address: graphite.url },
      `target=${prefix}.*.latency&from=-5min`,
    );
    expect(await read(real(), many)).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/2 targets .*sumSeries/),
    });
    const empty = template(
      { type: 'graphite', address: graphite.url },
      `target=${prefix}.podinfo.requests&from=-10min&until=-5min`,
    );
    expect(await read(real(), empty)).toMatchObject({
      kind: 'no-data',
      reason: expect.stringMatching(/all null/),
    });
  });

  it('a Graphite error (bad function) is an error quoting Graphite, not no data', async () => {
    const bad = template(
      { type: 'graphite', address: graphite.url },
      `target=noSuchFunction(${prefix}.podinfo.requests)`,
    );
    expect(await read(real(), bad)).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/Graphite answered HTTP (400|500)/),
    });
  });

  it('a count template gives the success rate with its samples and the outcomes of canary and primary', async () => {
    const counting = template(
      { type: 'graphite', address: graphite.url },
      // the counts over the whole window: summarize into one bucket aligned to from
      `target=summarize(sumSeries(${prefix}.{{ target }}.{{ outcome }}),"{{ interval }}","sum",true)&from=-{{ interval }}`,
    );
    counting.metadata.name = 'counting';
    const metric = {
      name: 'request-success-rate',
      interval: '1m',
      templateRef: { name: 'counting' },
      compareWithPrimary: {},
    };
    expect(await read(real(), counting, { ...metric, minSamples: 100 })).toEqual({
      kind: 'value',
      value: 98.8,
      samples: 1000,
    });
    const outcomes = await source({ now: Date.now, templates: [counting] }).outcomes!(
      canary,
      metric,
      Date.now() - 60_000,
    );
    expect(outcomes).toEqual({
      kind: 'outcomes',
      canary: { requests: 1000, errors: 12 },
      primary: { requests: 1000, errors: 1 },
    });
  });

  it("the compareWithPrimary judge decides on Graphite's counts: 8% errors against the primary's 0.1%", async () => {
    await graphite.write([
      [`${prefix}.judge.podinfo.requests`, 5000, now - 10],
      [`${prefix}.judge.podinfo.errors`, 400, now - 10],
      [`${prefix}.judge.podinfo-primary.requests`, 5000, now - 10],
      [`${prefix}.judge.podinfo-primary.errors`, 5, now - 10],
    ]);
    await graphite.waitForPoint(`${prefix}.judge.podinfo-primary.errors`, now - 10);
    const counting = template(
      { type: 'graphite', address: graphite.url },
      `target=summarize(sumSeries(${prefix}.judge.{{ target }}.{{ outcome }}),"{{ interval }}","sum",true)&from=-{{ interval }}`,
    );
    counting.metadata.name = 'counting';
    const metric = {
      name: 'request-success-rate',
      templateRef: { name: 'counting' },
      compareWithPrimary: { maxIncrease: 0.5 },
    };
    const started = Date.now() - 60_000;
    const check = await compareWithPrimaryRunner.run(metric, {
      canary,
      metrics: source({ now: Date.now, templates: [counting] }),
      now: Date.now(),
      analysisStartedAtMs: started,
    });
    expect(check).toMatchObject({
      name: 'request-success-rate',
      decision: 'fail',
      final: true,
      value: 8,
      primaryValue: 0.1,
      samples: 5000,
    });
  });

  it("online: graphite-web renders Flagger's probe target; a port with nothing listening is offline", async () => {
    expect(await online(real(), template({ type: 'graphite', address: graphite.url }, 'target=x'))).toEqual({
      server: `graphite of MetricTemplate graphite-t at ${graphite.url}`,
      online: true,
    });
    const down = await closedPort();
    const closed = template({ type: 'graphite', address: down }, 'target=x');
    expect(await online(real(), closed)).toMatchObject({
      online: false,
      reason: expect.stringMatching(
        /cannot reach Graphite at http:\/\/127.0.0.1:\d+: .*ECONNREFUSED.*check the MetricTemplate's spec.provider/,
      ),
    });
  });
});
