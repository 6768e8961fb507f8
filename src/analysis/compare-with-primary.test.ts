import { describe, expect, it } from 'vitest';
import { createWorld, podinfoCanary } from '../engine/testing/index.js';
import { compareWithPrimaryRunner } from './compare-with-primary.js';

const comparing = () =>
  podinfoCanary({
    threshold: 5,
    maxInconclusive: 3,
    metrics: [{ name: 'request-success-rate', compareWithPrimary: { maxIncrease: 1, minSamples: 100 } }],
  });

function worldWith(
  outcomes: (elapsedSeconds: number) => { canary: [number, number]; primary: [number, number] },
) {
  const world = createWorld({
    canary: comparing(),
    engine: { compareWithPrimary: compareWithPrimaryRunner.run },
  });
  world.metrics.outcomesScript = (_canary, _metric, sinceMs) => {
    const { canary, primary } = outcomes((world.clock.now() - sinceMs) / 1000);
    return {
      kind: 'outcomes',
      canary: { requests: canary[0], errors: canary[1] },
      primary: { requests: primary[0], errors: primary[1] },
    };
  };
  return world;
}

describe('compareWithPrimary through the engine', () => {
  it('rolls back at once on a conclusive regression, without waiting for the failed-check threshold', async () => {
    // 5% errors on the canary against 0.1% on the primary, 5 canary req/s: conclusive after a few hundred requests.
    const world = worldWith((s) => ({
      canary: [Math.round(5 * s), Math.round(0.25 * s)],
      primary: [Math.round(45 * s), Math.round(0.045 * s)],
    }));
    await world.initializeThenDeploy();
    await world.runUntil('Failed', 30);
    expect(world.status.failedChecks ?? 0).toBeLessThan(5);
    expect(world.status.failureReason).toMatch(/request-success-rate canary 5.00% .* vs primary .*-> fail/);
    expect(world.events.warnings().some((w) => w.includes('conclusive regression'))).toBe(true);
    expect(world.router.routes?.canaryWeight).toBe(0);
  });

  it('promotes a canary as good as the primary once the evidence says it is not worse', async () => {
    const world = worldWith((s) => ({
      canary: [Math.round(50 * s), 0],
      primary: [Math.round(450 * s), Math.round(0.45 * s)],
    }));
    await world.initializeThenDeploy();
    await world.runUntil('Succeeded', 40);
    expect(world.status.lastChecks?.[0]).toMatchObject({ name: 'request-success-rate', decision: 'pass' });
  });

  it('holds a starved canary as inconclusive and then fails it with the traffic message', async () => {
    const world = worldWith(() => ({ canary: [3, 0], primary: [400, 0] }));
    await world.initializeThenDeploy();
    await world.runUntil('Failed', 20);
    expect(world.status.failureReason).toMatch(/not enough traffic/);
    expect(world.status.failedChecks ?? 0).toBe(0);
  });

  it('a healthy canary at 5 req/s (bench/README.md) holds its weight, says how much traffic it needs, and is promoted', async () => {
    // 10 s interval, canary 5 req/s and primary 45 req/s, both 0.1% errors: the judge needs ~760 canary
    // requests, about 15 intervals; the old default (5 inconclusive intervals) rolled this canary back.
    const lowTraffic = (maxInconclusive?: number) => {
      const world = createWorld({
        canary: podinfoCanary({
          interval: '10s',
          ...(maxInconclusive ? { maxInconclusive } : {}),
          metrics: [{ name: 'request-success-rate', compareWithPrimary: { maxIncrease: 1 } }],
        }),
        engine: { compareWithPrimary: compareWithPrimaryRunner.run },
      });
      world.metrics.outcomesScript = (_canary, _metric, sinceMs) => {
        const s = (world.clock.now() - sinceMs) / 1000;
        return {
          kind: 'outcomes',
          canary: { requests: Math.round(5 * s), errors: Math.floor(0.005 * s) },
          primary: { requests: Math.round(45 * s), errors: Math.floor(0.045 * s) },
        };
      };
      return world;
    };
    const world = lowTraffic();
    await world.initializeThenDeploy();
    await world.runUntil('Succeeded', 200);
    expect(world.status.failedChecks ?? 0).toBe(0);
    const held = Math.max(...world.store.history.map((s) => s.inconclusiveChecks ?? 0));
    expect(held).toBeGreaterThan(5);
    expect(held).toBeLessThan(60); // 600 s progress deadline / 10 s
    const first = world.events.warnings()[0] ?? '';
    expect(first).toMatch(
      /^Halt advancement podinfo.test, inconclusive interval 1\/60: request-success-rate canary .* \(n=\d+\) .* -> inconclusive \(not enough traffic yet: about [\d,]+ canary requests would decide at these rates, [\d,]+ more, about \S+ at the canary's 5.0 req\/s\)$/,
    );

    const impatient = lowTraffic(5);
    await impatient.initializeThenDeploy();
    await impatient.runUntil('Failed', 50);
    expect(impatient.status.failureReason).toMatch(
      /^insufficient traffic: no decision after 5 intervals \(50s\): request-success-rate canary .*-> inconclusive \(not enough traffic yet/,
    );
    expect(impatient.status.failedChecks ?? 0).toBe(0);
  });
});
