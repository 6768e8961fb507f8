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
    expect(world.store.phases()).toEqual([
      'Initialized',
      'Progressing',
      'Promoting',
      'Finalising',
      'Succeeded',
    ]);
    expect(world.events.messages()).toEqual([
      'all the metrics providers are available!',
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
    const world = createWorld({
      canary: podinfoCanary({ stepWeight: undefined, maxWeight: undefined, stepWeights: [1, 5, 25, 50] }),
    });
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

describe('canary with mirroring', () => {
  it('mirrors for one interval before the first weight shift', async () => {
    const world = createWorld({ canary: podinfoCanary({ mirror: true }) });
    await world.initializeThenDeploy();
    await world.runUntil('Succeeded', 20);
    expect(world.router.weights()).toEqual(['m', 10, 20, 30, 40, 50, 0]);
    expect(world.events.messages().filter((m) => m.startsWith('Starting canary analysis'))).toHaveLength(1);
  });
});

describe('A/B testing', () => {
  const ab = () =>
    podinfoCanary({
      stepWeight: undefined,
      maxWeight: undefined,
      iterations: 3,
      match: [{ headers: { 'x-canary': { exact: 'insider' } } }],
    });

  it('routes matching requests to the canary for 3 iterations, then promotes', async () => {
    const world = createWorld({ canary: ab() });
    await world.initializeThenDeploy();
    const progressing: number[] = [];
    await world.runUntil((w) => {
      if (w.phase === 'Progressing') progressing.push(w.status.iterations ?? 0);
      return w.phase === 'Succeeded';
    }, 20);
    expect(progressing).toEqual([0, 1, 2, 3]);
    // 0/100 with a match: only matching requests reach the canary; then everything back to the primary.
    expect(world.router.applied).toEqual([
      { primaryWeight: 0, canaryWeight: 100, mirrored: false },
      { primaryWeight: 100, canaryWeight: 0, mirrored: false },
    ]);
    expect(world.events.messages()).toContain('Advance podinfo.test canary iteration 3/3');
    expect(world.target.primary?.revision.spec).toBe('v2');
  });
});

describe('blue/green', () => {
  const bg = (mirror: boolean) =>
    podinfoCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 3, mirror });

  it('with mirroring: mirrored during the iterations, all traffic to the canary for one interval, then promote', async () => {
    const world = createWorld({ canary: bg(true) });
    await world.initializeThenDeploy();
    const splits: string[] = [];
    await world.runUntil((w) => {
      const r = w.router.routes;
      splits.push(
        `${w.phase} ${r?.primaryWeight}/${r?.canaryWeight}${r?.mirrored ? ' mirrored' : ''} it=${w.status.iterations}`,
      );
      return w.phase === 'Succeeded';
    }, 20);
    expect(splits).toEqual([
      'Progressing 100/0 it=0',
      'Progressing 100/0 mirrored it=1',
      'Progressing 100/0 mirrored it=2',
      'Progressing 100/0 mirrored it=3',
      'Progressing 0/100 it=4',
      'Promoting 0/100 it=4',
      'Finalising 100/0 it=4',
      'Succeeded 100/0 it=0',
    ]);
    expect(world.events.messages()).toContain('Stop traffic mirroring and route all traffic to canary');
    expect(world.target.primary?.revision.spec).toBe('v2');
  });

  it('without mirroring: users stay on the primary during the iterations', async () => {
    const world = createWorld({ canary: bg(false) });
    await world.initializeThenDeploy();
    await world.runUntil('Succeeded', 20);
    expect(world.router.weights()).toEqual([100, 0]);
    expect(world.events.messages()).toContain('Routing all traffic to canary');
  });
});

describe('session affinity', () => {
  it('gives each canary revision its own cookie; at promotion, as Flagger, the cookie becomes the previous one and is expired', async () => {
    const world = createWorld({ canary: podinfoCanary({ sessionAffinity: { cookieName: 'canary' } }) });
    await world.initializeThenDeploy('v2');
    await world.runUntil((w) => (w.status.canaryWeight ?? 0) > 0, 10);
    const first = world.status.sessionAffinityCookie;
    expect(first).toMatch(/^canary=[0-9a-f]{8}$/);
    expect(world.router.requested[0]?.options).toEqual({ canaryCookie: first });

    await world.runUntil('Succeeded', 20);
    // The just-promoted cookie is no longer the canary's: it is the previous one, expired by the
    // last route change (all traffic to the primary).
    expect(world.status.sessionAffinityCookie).toBeUndefined();
    expect(world.status.previousSessionAffinityCookie).toBe(first);
    expect(world.router.options).toMatchObject({ previousCookie: first });

    world.target.deploy('v3');
    await world.runUntil((w) => (w.status.canaryWeight ?? 0) > 0, 5);
    expect(world.status.sessionAffinityCookie).not.toBe(first);
    expect(world.status.previousSessionAffinityCookie).toBe(first);
    expect(world.router.options).toEqual({
      canaryCookie: world.status.sessionAffinityCookie,
      previousCookie: first,
    });
  });

  it('the status retires the cookie in the tick that routes all traffic to the primary, so a reconcile keeps expiring it', async () => {
    const world = createWorld({ canary: podinfoCanary({ sessionAffinity: { cookieName: 'canary' } }) });
    await world.initializeThenDeploy('v2');
    await world.runUntil((w) => (w.status.canaryWeight ?? 0) > 0, 10);
    const cookie = world.status.sessionAffinityCookie;
    await world.runUntil('Finalising', 20);
    // The routing object already expires the cookie (the shift to the primary); a reconcile in
    // Finalising rebuilds it from the status (routers' cookiesOf), which must say the same.
    expect(world.router.options).toMatchObject({ previousCookie: cookie });
    expect(world.status.sessionAffinityCookie).toBeUndefined();
    expect(world.status.previousSessionAffinityCookie).toBe(cookie);
  });

  it('with primaryCookieName hands the router a primary cookie too', async () => {
    const world = createWorld({
      canary: podinfoCanary({ sessionAffinity: { cookieName: 'canary', primaryCookieName: 'primary' } }),
    });
    await world.initializeThenDeploy('v2');
    await world.runUntil((w) => (w.status.canaryWeight ?? 0) > 0, 10);
    expect(world.router.options).toEqual({
      canaryCookie: expect.stringMatching(/^canary=[0-9a-f]{8}$/),
      primaryCookie: expect.stringMatching(/^primary=[0-9a-f]{8}$/),
    });
  });
});

describe('provider kubernetes', () => {
  it('with stepWeight runs as blue/green with 10 iterations, as Flagger and validate say: no weight is ever asked of the router', async () => {
    const world = createWorld({ canary: podinfoCanary({}, { provider: 'kubernetes' }) });
    await world.initializeThenDeploy();
    await world.runUntil('Succeeded', 30);
    expect(world.router.requested.map((r) => r.routes.canaryWeight).filter((w) => w !== 0)).toEqual([]);
    expect(world.events.messages()).toContain('Advance podinfo.test canary iteration 10/10');
  });
});
