import { describe, expect, it } from 'vitest';
import type { MetricTemplate } from '../api/types.js';
import { createWorld, podinfoCanary, value } from './testing/index.js';

const quiet = () =>
  podinfoCanary({
    maxInconclusive: 3,
    metrics: [{ name: 'request-success-rate', interval: '1m', thresholdRange: { min: 99 }, minSamples: 100 }],
  });

describe('too little traffic', () => {
  it('holds the step without a failed check, then fails with "not enough traffic" after maxInconclusive intervals', async () => {
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
    await world.tick();
    const reason =
      'not enough traffic: 12 requests in 1m, need 100 — add a load-test webhook or lower minSamples';
    expect(world.status).toMatchObject({ phase: 'Failed', failureReason: reason });
    expect(world.events.warnings()).toContain(`Rolling back podinfo.test ${reason}`);
    expect(world.router.routes?.canaryWeight).toBe(0);
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
