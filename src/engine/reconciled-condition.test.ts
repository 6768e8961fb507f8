import { describe, expect, it } from 'vitest';
import { reconcileFailedCondition } from './status.js';
import { createWorld } from './testing/index.js';

describe('the Reconciled condition a failed reconcile left behind', () => {
  it('turns True on the next tick that succeeds, naming the error it recovered from', async () => {
    const world = createWorld();
    await world.tick();
    const failedAt = '2025-01-01T00:30:00.000Z';
    world.store.status = {
      ...world.status,
      conditions: reconcileFailedCondition(
        world.status.conditions,
        'UNAVAILABLE',
        'API server down',
        failedAt,
      ),
    };
    await world.tick();
    const reconciled = world.status.conditions?.find((c) => c.type === 'Reconciled');
    expect(reconciled).toMatchObject({
      status: 'True',
      reason: 'Succeeded',
      message: 'recovered from UNAVAILABLE: the last reconcile succeeded',
    });
    expect(reconciled?.lastTransitionTime).not.toBe(failedAt);
    expect(world.status.conditions?.find((c) => c.type === 'Promoted')).toMatchObject({ status: 'True' });
  });

  it('is not added to a canary that never failed', async () => {
    const world = createWorld();
    await world.runUntil('Initialized', 3);
    expect(world.status.conditions?.map((c) => c.type)).toEqual(['Promoted']);
  });
});
