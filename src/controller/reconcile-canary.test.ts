import { describe, expect, it } from 'vitest';
import type { Canary } from '../api/types.js';
import type { EnginePorts } from '../engine/ports.js';
import { canaryFor } from '../targets/kubernetes/testing/fixtures.js';
import { ControllerMetrics } from './metrics.js';
import { canaryReconciler, type CanaryReconcilerDeps } from './reconcile-canary.js';

const silent = { info() {}, warn() {}, error() {} };

function reconcilerFor(stored: () => Canary) {
  const events: string[] = [];
  let engineRuns = 0;
  const deps = {
    store: { get: async () => stored() },
    lookups: {},
    metrics: new ControllerMetrics(),
    log: silent,
    portsFor: () =>
      ({
        events: {
          record: async (_c: Canary, type: string, reason: string, message: string) =>
            void events.push(`${type} ${reason} ${message}`),
        },
        router: {},
      }) as unknown as EnginePorts,
    reconcile: async () => {
      engineRuns++;
      return { status: { phase: 'Initialized' } };
    },
  } as unknown as CanaryReconcilerDeps;
  return { reconciler: canaryReconciler(deps), events, engineRuns: () => engineRuns };
}

describe('a Canary applied without aviary validate', () => {
  it('is not driven when its spec has errors, with one Warning event per generation naming the field', async () => {
    const canary = canaryFor('test', 'podinfo', {
      analysis: { interval: '9999999h', threshold: 5, maxWeight: 50, stepWeight: 10 },
    });
    canary.metadata.generation = 1;
    const { reconciler, events, engineRuns } = reconcilerFor(() => canary);

    await reconciler.reconcile('test/podinfo');
    await reconciler.reconcile('test/podinfo');
    expect(engineRuns()).toBe(0);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatch(
      /^Warning InvalidSpec Spec not accepted, nothing was changed: spec\.analysis\.interval/,
    );

    canary.spec.analysis!.interval = '1m';
    canary.metadata.generation = 2;
    await reconciler.reconcile('test/podinfo');
    expect(engineRuns()).toBe(1);
    expect(events).toHaveLength(1);
  });
});
