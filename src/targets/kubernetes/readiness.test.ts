import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { deploymentReadiness } from './readiness.js';
import { scaleUpReplicas } from './replicas.js';

const NOW = Date.parse('2026-05-01T12:00:00Z');
const rule = { thresholdPercent: 100, deadlineMs: 60_000, nowMs: NOW };

function dep(status: NonNullable<V1Deployment['status']>, replicas = 3, generation = 2): V1Deployment {
  return {
    metadata: { name: 'podinfo', generation },
    spec: { replicas, selector: {}, template: {} },
    status: { observedGeneration: 2, ...status },
  };
}

describe('deploymentReadiness', () => {
  it('is ready when every replica is updated and available', () => {
    expect(deploymentReadiness(dep({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 }), rule)).toEqual(
      { ready: true },
    );
  });

  it('waits while the controller has not seen the latest spec', () => {
    expect(
      deploymentReadiness(dep({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 }, 3, 3), rule),
    ).toMatchObject({
      ready: false,
      retriable: true,
      reason: expect.stringContaining('observed deployment generation less than desired generation'),
    });
  });

  it('says how many updated replicas are available', () => {
    expect(deploymentReadiness(dep({ replicas: 3, updatedReplicas: 3, availableReplicas: 1 }), rule)).toEqual(
      {
        ready: false,
        retriable: true,
        reason: 'waiting for rollout to finish: 1 of 3 updated replicas are available',
      },
    );
    expect(
      deploymentReadiness(dep({ replicas: 3, updatedReplicas: 1, availableReplicas: 1 }), rule),
    ).toMatchObject({
      reason: 'waiting for rollout to finish: 1 out of 3 new replicas have been updated',
    });
    expect(
      deploymentReadiness(dep({ replicas: 4, updatedReplicas: 3, availableReplicas: 3 }), rule),
    ).toMatchObject({
      reason: 'waiting for rollout to finish: 1 old replicas are pending termination',
    });
  });

  it('applies the ready threshold to the updated replicas (rounded down, as Flagger does)', () => {
    const half = { ...rule, thresholdPercent: 50 };
    expect(deploymentReadiness(dep({ replicas: 3, updatedReplicas: 3, availableReplicas: 1 }), half)).toEqual(
      { ready: true },
    );
    expect(
      deploymentReadiness(dep({ replicas: 4, updatedReplicas: 4, availableReplicas: 1 }, 4), half),
    ).toEqual({
      ready: false,
      retriable: true,
      reason: 'waiting for rollout to finish: 1 of 2 (readyThreshold 50%) updated replicas are available',
    });
  });

  it('does not retry a deployment past its progress deadline', () => {
    const stuck = dep({
      replicas: 3,
      updatedReplicas: 3,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    });
    expect(deploymentReadiness(stuck, rule)).toMatchObject({
      ready: false,
      retriable: false,
      deadlineExceeded: true,
      reason: expect.stringContaining('deployment podinfo exceeded its progress deadline'),
    });
  });

  it('does not retry pods unavailable for longer than the Canary deadline', () => {
    const unavailable = (sinceMs: number) =>
      dep({
        replicas: 3,
        updatedReplicas: 3,
        availableReplicas: 0,
        conditions: [
          {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            lastUpdateTime: new Date(NOW - sinceMs),
          },
          { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' },
        ],
      });
    expect(deploymentReadiness(unavailable(30_000), rule)).toMatchObject({ retriable: true });
    expect(deploymentReadiness(unavailable(90_000), rule)).toMatchObject({
      retriable: false,
      deadlineExceeded: true,
      reason: expect.stringContaining('does not have minimum availability for more than 60s'),
    });
  });

  it('treats a deployment scaled to zero as ready', () => {
    expect(deploymentReadiness(dep({}, 0), rule)).toEqual({ ready: true });
  });
});

describe('scaleUpReplicas (Flagger ScaleFromZero plus the remembered count)', () => {
  const target = (replicas: number, remembered?: string): V1Deployment => ({
    metadata: { annotations: remembered ? { 'aviary.dev/replicas': remembered } : {} },
    spec: { replicas, selector: {}, template: {} },
  });
  const primary = target(4);
  it('prefers the target count, then the remembered one, then the primary, then HPA min, then 1', () => {
    expect(scaleUpReplicas({ target: target(2, '5'), primary })).toBe(2);
    expect(scaleUpReplicas({ target: target(0, '5'), primary })).toBe(5);
    expect(scaleUpReplicas({ target: target(0), primary })).toBe(4);
    expect(
      scaleUpReplicas({
        target: target(0),
        autoscaler: { minReplicas: 3 },
      }),
    ).toBe(3);
    expect(scaleUpReplicas({ target: target(0, 'garbage') })).toBe(1);
  });
});
