import { describe, expect, it } from 'vitest';
import { createWorld, podinfoCanary } from './testing/index.js';

describe('canary strategy', () => {
  it('stepWeight 10 maxWeight 50: 10,20,30,40,50, promote, primary on the new revision, weight 0, Succeeded', async () => {
    const world = createWorld();
    await world.initializeThenDeploy('v2');
    await world.runUntil('Succeeded', 20);
    expect(world.router.weights()).toEqual([10, 20, 30, 40, 50, 0]);
    expect(world.target.primary?.revision.spec).toBe('v2');
    expect(world.target.canary.replicas).toBe(0);
    expect(world.status.canaryWeight).toBe(0);
    expect(world.status.lastPromotedSpec).toBe('v2');
    expect(world.store.phases()).toEqual(['Initialized', 'Progressing', 'Promoting', 'Finalising', 'Succeeded']);
    expect(world.events.messages()).toEqual([
      'Initialization done! podinfo.test',
      'New revision detected! Scaling up podinfo.test',
      'Starting canary analysis for podinfo.test',
      'Advance podinfo.test canary weight 10',
      'Advance podinfo.test canary weight 20',
      'Advance podinfo.test canary weight 30',
      'Advance podinfo.test canary weight 40',
      'Advance podinfo.test canary weight 50',
      'Copying podinfo.test template spec to podinfo-primary.test',
      'Routing all traffic to primary',
      'Promotion completed! Scaling down podinfo.test',
    ]);
    expect(world.notifier.messages()).toEqual([
      'New Deployment detected, initialization completed.',
      'New revision detected, progressing canary analysis.',
      'Canary analysis completed successfully, promotion finished.',
    ]);
  });

  it('stepWeights [1,5,25,50]', async () => {
    const world = createWorld({ canary: podinfoCanary({ stepWeight: undefined, maxWeight: undefined, stepWeights: [1, 5, 25, 50] }) });
    await world.initializeThenDeploy();
    await world.runUntil('Succeeded', 20);
    expect(world.router.weights()).toEqual([1, 5, 25, 50, 0]);
  });

  it('stepWeightPromotion 20 moves traffic back to the primary in steps after the promotion', async () => {
    const world = createWorld({ canary: podinfoCanary({ stepWeightPromotion: 20 }) });
    await world.initializeThenDeploy();
    await world.runUntil('Succeeded', 20);
    expect(world.router.weights()).toEqual([10, 20, 30, 40, 50, 30, 10, 0]);
    expect(world.events.messages()).toContain('Advance podinfo.test primary weight 70');
    expect(world.target.primary?.revision.spec).toBe('v2');
  });
});
