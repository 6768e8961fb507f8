import { describe, expect, it } from 'vitest';
import { FAILING_METRICS, createWorld, noData, podinfoCanary, value } from './testing/index.js';

describe('initialization', () => {
  it('creates the primary, takes over routing, scales the canary to zero', async () => {
    const world = createWorld();
    const result = await world.tick();
    expect(result.phase).toBe('Initialized');
    expect(world.target.primary?.revision.spec).toBe('v1');
    expect(world.target.canary.replicas).toBe(0);
    expect(world.router.routes).toEqual({ primaryWeight: 100, canaryWeight: 0, mirrored: false });
    expect(world.status).toMatchObject({ lastAppliedSpec: 'v1', lastPromotedSpec: 'v1', canaryWeight: 0 });
    expect(world.status.conditions).toEqual([
      expect.objectContaining({ type: 'Promoted', status: 'True', reason: 'Initialized' }),
    ]);
    expect(result.nextTickMs).toBe(60_000);
  });

  it('waits for a slow primary, then fails once the progress deadline passes', async () => {
    const world = createWorld({ canary: podinfoCanary({}, { progressDeadlineSeconds: 180 }) });
    world.target.primaryHealth = 'not-ready';
    await world.tick();
    expect(world.phase).toBe('Initializing');
    await world.runUntil('Failed', 5);
    expect(world.status.failureReason).toMatch(
      /^primary not ready: waiting for primary rollout to finish for more than 180s/,
    );
    expect(world.notifier.notifications.at(-1)?.severity).toBe('error');
  });
});

describe('rollback', () => {
  it('rolls back after `threshold` failed checks: 100/0, canary scaled to zero, Failed with the reason', async () => {
    const world = createWorld({ metrics: FAILING_METRICS });
    await world.initializeThenDeploy();
    await world.runUntil('Failed', 20);
    expect(world.router.routes).toEqual({ primaryWeight: 100, canaryWeight: 0, mirrored: false });
    expect(world.target.canary.replicas).toBe(0);
    expect(world.target.primary?.revision.spec).toBe('v1');
    expect(world.status.failureReason).toBe(
      'failed checks threshold reached 5: request-success-rate 94.12 < 99',
    );
    // first interval is pre-rollout (weight 10), then five failing intervals hold the weight, then rollback
    expect(world.router.weights()).toEqual([10, 0]);
    const halts = world.events
      .messages()
      .filter((m) => m.startsWith('Halt podinfo.test advancement success rate'));
    expect(halts).toHaveLength(5);
    expect(halts[0]).toBe('Halt podinfo.test advancement success rate 94.12% < 99%');
    expect(world.events.warnings()).toContain('Rolling back podinfo.test failed checks threshold reached 5');
    expect(world.events.warnings()).toContain('Canary failed! Scaling down podinfo.test');
    const alert = world.notifier.notifications.at(-1);
    expect(alert).toMatchObject({
      severity: 'error',
      message: 'Failed checks threshold reached 5: request-success-rate 94.12 < 99',
      canaryWeight: 10,
    });
    expect(alert?.fields).toMatchObject({
      'request-success-rate': '94.12',
      Threshold: '>= 99',
      'Failed checks': '5/5',
    });
  });

  it('a Failed canary stays Failed until the next revision, which starts a new analysis', async () => {
    const world = createWorld({ metrics: FAILING_METRICS });
    await world.initializeThenDeploy();
    await world.runUntil('Failed', 20);
    await world.tick();
    await world.tick();
    expect(world.phase).toBe('Failed');
    world.metrics.set('request-success-rate', value(99.95, 1000));
    world.target.deploy('v3');
    await world.runUntil('Succeeded', 20);
    expect(world.target.primary?.revision.spec).toBe('v3');
  });

  it('no data is a failed check with its reason, never a pass', async () => {
    const world = createWorld({ canary: podinfoCanary({ threshold: 2 }) });
    world.metrics.set('request-success-rate', noData('no series for destination_workload="podinfo"'));
    await world.initializeThenDeploy();
    await world.tick(); // Progressing
    await world.tick(); // pre-rollout, weight 10
    await world.tick(); // no data
    expect(world.status.failedChecks).toBe(1);
    expect(world.status.lastChecks).toContainEqual(
      expect.objectContaining({
        name: 'request-success-rate',
        decision: 'fail',
        message: 'no data for request-success-rate over 1m: no series for destination_workload="podinfo"',
      }),
    );
    expect(world.events.warnings().at(-1)).toContain('no series for destination_workload="podinfo"');
    await world.runUntil('Failed', 3);
    expect(world.status.failureReason).toContain('no data for request-success-rate');
  });

  it('progress deadline: a canary never ready is rolled back even when the port only says "not yet"', async () => {
    const world = createWorld({ canary: podinfoCanary({}, { progressDeadlineSeconds: 300 }) });
    world.target.canaryHealth = 'not-ready';
    await world.initializeThenDeploy();
    await world.tick(); // Progressing
    const ticks = await world.runUntil('Failed', 10);
    expect(ticks).toBe(6); // 5 min of "not ready yet", then the deadline
    expect(world.status.failureReason).toBe(
      'progress deadline exceeded: waiting for canary rollout to finish for more than 300s',
    );
    expect(world.events.warnings()).toContain(
      'Rolling back podinfo.test progress deadline exceeded waiting for canary rollout to finish for more than 300s',
    );
    expect(world.target.canary.replicas).toBe(0);
  });

  it('a port that says waiting will not help fails at once, without claiming the deadline passed', async () => {
    const world = createWorld();
    world.target.canaryHealth = 'stuck';
    await world.initializeThenDeploy();
    await world.tick();
    await world.tick();
    expect(world.phase).toBe('Failed');
    expect(world.status.failureReason).toBe('canary failed: canary progress deadline exceeded');
  });

  it('a port that says the deadline passed (a Deployment unavailable too long) is a progress deadline', async () => {
    const world = createWorld();
    world.target.canaryHealth = 'past-deadline';
    await world.initializeThenDeploy();
    await world.tick();
    await world.tick();
    expect(world.phase).toBe('Failed');
    expect(world.status.failureReason).toBe(
      'progress deadline exceeded: canary does not have minimum availability for more than 60s',
    );
  });

  it('a new revision beside a primary past its deadline in Succeeded is rolled back to Failed, as Flagger does (not only logged)', async () => {
    const world = createWorld();
    await world.initializeThenDeploy();
    await world.runUntil('Succeeded', 30);
    world.target.primaryHealth = 'past-deadline';
    world.target.deploy('v3');
    await world.tick();
    expect(world.phase).toBe('Failed');
    expect(world.status.failureReason).toMatch(/^primary not ready: /);
    expect(world.status.canaryWeight).toBe(0);
    expect(world.target.canary.replicas).toBe(0);
  });

  it('failed promotion: the primary breaks while taking the new version, traffic goes to the canary', async () => {
    const world = createWorld();
    await world.initializeThenDeploy();
    await world.runUntil('Promoting', 20);
    world.target.primaryHealth = 'stuck';
    await world.tick();
    expect(world.phase).toBe('Failed');
    expect(world.router.routes).toEqual({ primaryWeight: 0, canaryWeight: 100, mirrored: false });
    expect(world.status.canaryWeight).toBe(100);
    expect(world.target.canary.replicas).toBe(2);
    expect(world.events.warnings()).toContain(
      'Promotion of podinfo.test failed, primary not ready: primary progress deadline exceeded',
    );
  });

  it('after a failed promotion, a new revision (once the primary is healthy) starts from zero canary traffic', async () => {
    const world = createWorld();
    await world.initializeThenDeploy();
    await world.runUntil('Promoting', 20);
    world.target.primaryHealth = 'stuck';
    await world.tick();
    expect(world.router.routes?.canaryWeight).toBe(100);
    world.target.deploy('v3');
    await world.tick();
    expect(world.phase).toBe('Failed'); // the primary is still broken: no new analysis beside it
    world.target.primaryHealth = 'ready';
    await world.tick();
    expect(world.status).toMatchObject({ phase: 'Progressing', canaryWeight: 0 });
    expect(world.router.routes?.canaryWeight).toBe(0);
    await world.runUntil('Succeeded', 20);
    expect(world.router.weights().slice(-7)).toEqual([0, 10, 20, 30, 40, 50, 0]);
  });

  it('Promoting waits while the primary rolls out, keeping traffic on the canary', async () => {
    const world = createWorld();
    world.target.primaryRolloutReadinessCalls = 2;
    await world.initializeThenDeploy();
    await world.runUntil('Promoting', 20);
    await world.tick();
    await world.tick();
    expect(world.phase).toBe('Promoting');
    expect(world.router.routes?.canaryWeight).toBe(50);
    await world.runUntil('Succeeded', 5);
  });
});

describe('the router is the source of truth', () => {
  it('a weight the router did not apply is a failed check with a warning, never silent', async () => {
    const world = createWorld();
    await world.initializeThenDeploy();
    await world.tick(); // Progressing
    await world.tick(); // weight 10
    world.router.applies = false;
    await world.tick();
    expect(world.events.warnings()).toContain(
      'route not applied: asked canary 20%, router holds 10% for podinfo.test',
    );
    expect(world.status).toMatchObject({ failedChecks: 1, canaryWeight: 10 });
    expect(world.status.lastChecks?.at(-1)).toMatchObject({ name: 'traffic-routing', decision: 'fail' });
    world.router.applies = true;
    await world.tick();
    expect(world.status.canaryWeight).toBe(20);
  });

  it('a rollback whose routes do not apply keeps the canary running and retries', async () => {
    const world = createWorld({ metrics: FAILING_METRICS, canary: podinfoCanary({ threshold: 1 }) });
    await world.initializeThenDeploy();
    await world.tick();
    await world.tick(); // weight 10
    await world.tick(); // failed check 1
    world.router.applies = false;
    await world.tick();
    expect(world.phase).toBe('Progressing');
    expect(world.target.canary.replicas).toBe(2);
    world.router.applies = true;
    await world.tick();
    expect(world.phase).toBe('Failed');
    expect(world.router.routes?.canaryWeight).toBe(0);
  });

  it('reads weights back each tick: a split changed outside Aviary is adopted, measured, then stepped from', async () => {
    const world = createWorld();
    await world.initializeThenDeploy();
    await world.tick();
    await world.tick(); // 10
    world.router.routes = { primaryWeight: 70, canaryWeight: 30, mirrored: false };
    await world.tick();
    expect(world.status.canaryWeight).toBe(30);
    expect(world.events.messages().at(-1)).toBe(
      "podinfo.test router holds primary 70%, canary 30%; status said canary 10%: adopting the router's split",
    );
    await world.tick();
    expect(world.router.routes.canaryWeight).toBe(40);
  });

  it('a reconcile run twice on the same status changes the world once', async () => {
    const world = createWorld({ canary: podinfoCanary({ webhooks: [{ name: 'load', url: 'http://lt/' }] }) });
    await world.initializeThenDeploy();
    const { reconcile } = await import('./reconcile.js');
    const worldState = () => ({
      routes: world.router.routes,
      primary: world.target.primary?.revision.spec,
      replicas: world.target.canary.replicas,
      phase: world.status.phase,
      canaryWeight: world.status.canaryWeight,
      failedChecks: world.status.failedChecks,
    });
    for (let i = 0; i < 12 && world.phase !== 'Succeeded'; i++) {
      const snapshot = world.current();
      await reconcile(snapshot, world.ports);
      const once = worldState();
      await reconcile(snapshot, world.ports);
      expect(worldState()).toEqual(once);
      world.clock.advance(60_000);
    }
    expect(world.phase).toBe('Succeeded');
    expect(world.router.weights()).toEqual([10, 20, 30, 40, 50, 0]);
  });
});

describe('revisions', () => {
  it('a new revision during the analysis restarts it from zero', async () => {
    const world = createWorld();
    await world.initializeThenDeploy('v2');
    await world.tick();
    await world.tick();
    await world.tick(); // 20
    world.target.deploy('v3');
    await world.tick();
    expect(world.events.messages()).toContain('New revision detected! Restarting analysis for podinfo.test');
    expect(world.status).toMatchObject({
      phase: 'Progressing',
      canaryWeight: 0,
      iterations: 0,
      failedChecks: 0,
      lastAppliedSpec: 'v3',
    });
    expect(world.router.routes?.canaryWeight).toBe(0);
    await world.runUntil('Succeeded', 20);
    expect(world.target.primary?.revision.spec).toBe('v3');
    expect(world.router.weights()).toEqual([10, 20, 0, 10, 20, 30, 40, 50, 0]);
  });

  it('a manual rollback of the target to the promoted spec does not start a canary', async () => {
    const world = createWorld();
    await world.initializeThenDeploy('v2');
    await world.runUntil('Succeeded', 20);
    world.target.deploy('v3');
    await world.tick(); // Progressing v3
    world.metrics.set('request-success-rate', value(50, 1000));
    await world.runUntil('Failed', 20);
    world.target.deploy('v2'); // back to what the primary runs
    await world.tick();
    await world.tick();
    expect(world.phase).toBe('Failed');
    expect(world.events.messages().filter((m) => m.startsWith('New revision detected'))).toHaveLength(2);
  });

  it('a changed tracked config is a new revision', async () => {
    const world = createWorld();
    world.target.deploy('v1', { 'configmap/podinfo': 'aaa' });
    await world.runUntil('Initialized', 3);
    await world.tick();
    expect(world.phase).toBe('Initialized');
    world.target.deploy('v1', { 'configmap/podinfo': 'bbb' });
    await world.tick();
    expect(world.phase).toBe('Progressing');
  });
});

describe('spec switches', () => {
  it('skipAnalysis promotes without analysis: Initialized -> Progressing -> Succeeded', async () => {
    const world = createWorld({
      canary: podinfoCanary({}, { skipAnalysis: true }),
      metrics: FAILING_METRICS,
    });
    await world.initializeThenDeploy();
    await world.tick();
    await world.tick();
    expect(world.phase).toBe('Succeeded');
    expect(world.target.primary?.revision.spec).toBe('v2');
    expect(world.target.canary.replicas).toBe(0);
    expect(world.metrics.queries).toHaveLength(0);
    // As Flagger: the copy to the primary is reported before the promotion, skipped analysis or not.
    const events = world.events.messages();
    expect(events.slice(-2)).toEqual([
      'Copying podinfo.test template spec to podinfo-primary.test',
      'Promotion completed! Canary analysis was skipped for podinfo.test',
    ]);
  });

  it('suspend freezes the canary where it is; resuming continues', async () => {
    const world = createWorld();
    await world.initializeThenDeploy();
    await world.tick();
    await world.tick(); // 10
    world.canary.spec.suspend = true;
    await world.tick();
    await world.tick();
    expect(world.router.routes?.canaryWeight).toBe(10);
    expect(world.events.messages().at(-1)).toBe('skipping canary run as object is suspended');
    world.canary.spec.suspend = false;
    await world.tick();
    expect(world.router.routes?.canaryWeight).toBe(20);
  });

  it('deletion with revertOnDeletion enters Terminating, finalizes target and routing, then Terminated', async () => {
    const world = createWorld({ canary: podinfoCanary({}, { revertOnDeletion: true }) });
    await world.initializeThenDeploy();
    await world.tick();
    world.canary.metadata.deletionTimestamp = '2025-01-01T01:00:00Z';
    // As Flagger: Terminating is written before anything is reverted.
    const entered = await world.tick();
    expect(entered.phase).toBe('Terminating');
    expect(world.target.finalized).toBe(false);
    const result = await world.tick();
    expect(result.phase).toBe('Terminated');
    expect(result.nextTickMs).toBeUndefined();
    expect(world.target.finalized).toBe(true);
    expect(world.router.finalized).toBe(true);
    expect(world.events.messages().slice(-2)).toEqual([
      'Terminating canary podinfo.test',
      'Terminated canary podinfo.test',
    ]);
    await world.tick();
    expect(world.target.calls.filter((c) => c === 'finalize')).toHaveLength(1);
  });

  it('writes the status exactly once per reconcile', async () => {
    const world = createWorld();
    await world.initializeThenDeploy();
    const ticks = await world.runUntil('Succeeded', 20);
    expect(world.store.history).toHaveLength(1 + ticks);
  });
});
