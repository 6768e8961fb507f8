import { describe, expect, it } from 'vitest';
import type { MetricTemplate } from '../api/types.js';
import { createWorld, podinfoCanary, value } from './testing/index.js';

const quiet = () =>
  podinfoCanary({
    maxInconclusive: 3,
    metrics: [{ name: 'request-success-rate', interval: '1m', thresholdRange: { min: 99 }, minSamples: 100 }],
  });

describe('too little traffic', () => {
  it('holds the step without a failed check, warning each interval, then rolls back for insufficient traffic after maxInconclusive intervals', async () => {
    const world = createWorld({ canary: quiet() });
    world.metrics.set('request-success-rate', value(100, 12));
    await world.initializeThenDeploy();
    await world.tick();
    await world.tick(); // pre-rollout interval: weight 10
    await world.tick();
    await world.tick();
    await world.tick();
    expect(world.status).toMatchObject({ phase: 'Progressing', canaryWeight: 10, inconclusiveChecks: 3 });
    expect(world.status.failedChecks ?? 0).toBe(0);
    expect(world.status.lastChecks?.[0]).toMatchObject({ decision: 'inconclusive', samples: 12 });
    const why =
      'not enough traffic: 12 requests in 1m, need 100 — add a load-test webhook or lower minSamples';
    expect(world.events.warnings()).toEqual([
      `Halt advancement podinfo.test, inconclusive interval 1/3: ${why}`,
      `Halt advancement podinfo.test, inconclusive interval 2/3: ${why}`,
      `Halt advancement podinfo.test, inconclusive interval 3/3: ${why}`,
    ]);
    await world.tick();
    const held = `insufficient traffic: no decision after 3 intervals (3m): ${why}`;
    expect(world.status).toMatchObject({
      phase: 'Failed',
      failureReason: `${held}; send the canary more traffic (a load-test webhook) or allow a longer wait (analysis.maxInconclusive)`,
    });
    expect(world.status.failedChecks ?? 0).toBe(0);
    expect(world.events.warnings()).toContain(`Rolling back podinfo.test ${held}`);
    const alert = world.notifier.notifications.find((n) => n.message.startsWith('Rolling back'));
    expect(alert?.message).toMatch(
      /^Rolling back, insufficient traffic to judge the canary \(no check failed\)/,
    );
    expect(alert?.fields).toMatchObject({ 'Inconclusive intervals': '3/3' });
    expect(world.router.routes?.canaryWeight).toBe(0);
  });

  it('unset, maxInconclusive is what fits in the progress deadline: 10 one-minute intervals by default, 5 with 300s', async () => {
    for (const [deadline, intervals] of [
      [undefined, 10],
      [300, 5],
    ] as const) {
      const world = createWorld({
        canary: podinfoCanary(
          {
            metrics: [
              { name: 'request-success-rate', interval: '1m', thresholdRange: { min: 99 }, minSamples: 100 },
            ],
          },
          deadline === undefined ? {} : { progressDeadlineSeconds: deadline },
        ),
      });
      world.metrics.set('request-success-rate', value(100, 12));
      await world.initializeThenDeploy();
      await world.runUntil('Failed', 30);
      expect(world.status.failureReason).toMatch(
        new RegExp(`^insufficient traffic: no decision after ${intervals} intervals \\(${intervals}m\\)`),
      );
      expect(world.events.warnings()).toContain(
        `Halt advancement podinfo.test, inconclusive interval ${intervals}/${intervals}: not enough traffic: 12 requests in 1m, need 100 — add a load-test webhook or lower minSamples`,
      );
    }
  });

  it('enough traffic again resets the inconclusive count', async () => {
    const world = createWorld({ canary: quiet() });
    world.metrics.set('request-success-rate', [value(100, 12), value(100, 12), value(99.9, 500)]);
    await world.initializeThenDeploy();
    await world.runUntil('Succeeded', 20);
    expect(world.status.inconclusiveChecks).toBe(0);
  });
});

describe('metric templates and comparisons', () => {
  const template: MetricTemplate = {
    apiVersion: 'aviary.dev/v1beta1',
    kind: 'MetricTemplate',
    metadata: { name: 'error-rate', namespace: 'test' },
    spec: {
      provider: { type: 'prometheus', address: 'http://prometheus:9090' },
      query: 'sum(rate(x[{{ interval }}]))',
    },
  };

  it('resolves templateRef and passes the template and the metric interval to the source', async () => {
    const world = createWorld({
      canary: podinfoCanary({
        metrics: [
          {
            name: 'errors',
            interval: '30s',
            templateRef: { name: 'error-rate' },
            thresholdRange: { max: 1 },
          },
        ],
      }),
      metrics: { errors: value(0.2) },
    });
    world.templates.add(template);
    await world.initializeThenDeploy();
    await world.runUntil('Succeeded', 20);
    expect(world.metrics.queries[0]).toMatchObject({ template, intervalMs: 30_000 });
  });

  it('a missing template fails the check with what to fix', async () => {
    const world = createWorld({
      canary: podinfoCanary({
        threshold: 1,
        metrics: [{ name: 'errors', templateRef: { name: 'nope' }, thresholdRange: { max: 1 } }],
      }),
    });
    await world.initializeThenDeploy();
    await world.runUntil('Failed', 10);
    expect(world.status.failureReason).toBe(
      'failed checks threshold reached 1: MetricTemplate test/nope not found — create it or fix templateRef',
    );
  });

  it('compareWithPrimary without a judge fails rather than passes', async () => {
    const world = createWorld({
      canary: podinfoCanary({
        threshold: 1,
        metrics: [{ name: 'request-success-rate', compareWithPrimary: { maxIncrease: 1 } }],
      }),
    });
    await world.initializeThenDeploy();
    await world.runUntil('Failed', 10);
    expect(world.status.failureReason).toContain('compareWithPrimary is not available');
  });

  it('compareWithPrimary is judged by the pluggable judge, which sees when the analysis started', async () => {
    const seen: number[] = [];
    const world = createWorld({
      canary: podinfoCanary({
        metrics: [
          {
            name: 'request-success-rate',
            compareWithPrimary: { maxIncrease: 1 },
            thresholdRange: { min: 99 },
          },
        ],
      }),
      engine: {
        compareWithPrimary: (metric, context) => {
          seen.push(context.analysisStartedAtMs);
          return Promise.resolve({
            name: metric.name,
            decision: 'pass',
            value: 0.1,
            primaryValue: 0.1,
            message: 'no worse than primary',
          });
        },
      },
    });
    await world.initializeThenDeploy();
    await world.runUntil('Succeeded', 20);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen).size).toBe(1);
    expect(seen[0]).toBe(Date.parse('2025-01-01T00:01:00Z'));
    // both the comparison and the threshold range were checked; the last analysis stays visible
    expect(world.status.lastChecks?.map((c) => `${c.name} ${c.decision} ${c.message}`)).toEqual([
      'request-success-rate pass no worse than primary',
      'request-success-rate pass request-success-rate 99.90 >= 99',
    ]);
  });
});
