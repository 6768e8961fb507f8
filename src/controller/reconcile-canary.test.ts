import { describe, expect, it } from 'vitest';
import type { Canary } from '../api/types.js';
import type { EnginePorts } from '../engine/ports.js';
import { AviaryError, isRetriable } from '../errors.js';
import { canaryFor } from '../targets/kubernetes/testing/fixtures.js';
import { ControllerMetrics } from './metrics.js';
import { canaryReconciler, type CanaryReconcilerDeps } from './reconcile-canary.js';

const silent = { info() {}, warn() {}, error() {} };

function reconcilerFor(
  stored: () => Canary,
  engine?: () => Promise<never>,
  meshProvider?: CanaryReconcilerDeps['meshProvider'],
) {
  const events: string[] = [];
  const written: NonNullable<Canary['status']>[] = [];
  let engineRuns = 0;
  const deps = {
    store: {
      get: async () => stored(),
      status: {
        write: async (_c: Canary, status: NonNullable<Canary['status']>) => void written.push(status),
      },
    },
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
        clock: { now: () => Date.parse('2026-01-01T00:00:00Z') },
      }) as unknown as EnginePorts,
    reconcile: async () => {
      engineRuns++;
      if (engine) return engine();
      return { status: { phase: 'Initialized' } };
    },
    ...(meshProvider ? { meshProvider } : {}),
  } as unknown as CanaryReconcilerDeps;
  return { reconciler: canaryReconciler(deps), events, written, engineRuns: () => engineRuns };
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

  it("is checked against the controller's --mesh-provider when it names no provider", async () => {
    // A Canary without spec.provider is run by the default router: `provider: kubernetes` cannot mirror.
    const canary = canaryFor('test', 'podinfo', {
      analysis: { interval: '1m', threshold: 5, iterations: 10, mirror: true },
    });
    canary.metadata.generation = 1;
    const underKubernetes = reconcilerFor(() => canary, undefined, 'kubernetes');
    await underKubernetes.reconciler.reconcile('test/podinfo');
    expect(underKubernetes.engineRuns()).toBe(0);
    expect(underKubernetes.events).toEqual([
      expect.stringMatching(
        /^Warning InvalidSpec Spec not accepted, nothing was changed: spec\.analysis\.mirror: provider kubernetes cannot mirror traffic/,
      ),
    ]);

    const underIstio = reconcilerFor(() => canary, undefined, 'istio');
    await underIstio.reconciler.reconcile('test/podinfo');
    expect(underIstio.engineRuns()).toBe(1);
    expect(underIstio.events).toEqual([]);
  });
});

describe('a reconcile that fails', () => {
  const podinfo = () => {
    const canary = canaryFor('test', 'podinfo');
    canary.status = { phase: 'Progressing', canaryWeight: 20 };
    return canary;
  };

  it('becomes a Warning event and a Reconciled=False condition with its code and fix, then goes to the scheduler', async () => {
    const forbidden = new AviaryError('FORBIDDEN', 'patching deployments/podinfo-primary: 403 Forbidden');
    const { reconciler, events, written } = reconcilerFor(podinfo, () => Promise.reject(forbidden));

    await expect(reconciler.reconcile('test/podinfo')).rejects.toBe(forbidden);
    expect(events).toEqual([
      "Warning ReconcileFailed FORBIDDEN: patching deployments/podinfo-primary: 403 Forbidden — grant the controller's service account the verb named (deploy/rbac)",
    ]);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ phase: 'Progressing', canaryWeight: 20 });
    expect(written[0]?.conditions).toEqual([
      {
        type: 'Reconciled',
        status: 'False',
        reason: 'FORBIDDEN',
        message:
          "patching deployments/podinfo-primary: 403 Forbidden — grant the controller's service account the verb named (deploy/rbac)",
        lastUpdateTime: '2026-01-01T00:00:00.000Z',
        lastTransitionTime: '2026-01-01T00:00:00.000Z',
      },
    ]);
  });

  it('is INTERNAL when it is not an Aviary error, so the scheduler does not retry a bug in a tight loop', async () => {
    const { reconciler, events } = reconcilerFor(podinfo, () =>
      Promise.reject(new TypeError('x is undefined')),
    );
    const error = await reconciler.reconcile('test/podinfo').catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'INTERNAL', message: 'x is undefined' });
    expect(isRetriable(error)).toBe(false);
    expect(events[0]).toMatch(/^Warning ReconcileFailed INTERNAL: x is undefined — this is a bug in Aviary/);
  });
});
