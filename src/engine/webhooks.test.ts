import { describe, expect, it } from 'vitest';
import type { CanaryWebhook, WebhookType } from '../api/types.js';
import { OK, closed, createWorld, podinfoCanary } from './testing/index.js';

function withHook(type: WebhookType, extra: Partial<CanaryWebhook> = {}, analysis = {}) {
  const hook: CanaryWebhook = {
    name: `${type}-hook`,
    type,
    url: `http://flagger-loadtester.test/${type}`,
    ...extra,
  };
  return createWorld({ canary: podinfoCanary({ webhooks: [hook], ...analysis }) });
}

describe('webhook gates', () => {
  it('confirm-rollout closed: Waiting without a failed check; opening it starts the analysis', async () => {
    const world = withHook('confirm-rollout');
    world.webhooks.close('confirm-rollout-hook');
    await world.initializeThenDeploy();
    await world.tick();
    await world.tick();
    expect(world.phase).toBe('Waiting');
    expect(world.status.failedChecks ?? 0).toBe(0);
    expect(world.target.canary.replicas).toBe(0);
    expect(world.events.warnings()).toContain(
      'Halt podinfo.test advancement waiting for approval confirm-rollout-hook',
    );
    expect(
      world.notifier.notifications.filter((n) => n.message === 'Canary is waiting for approval.'),
    ).toHaveLength(1);
    world.webhooks.open('confirm-rollout-hook');
    await world.tick();
    expect(world.phase).toBe('Progressing');
    expect(world.target.canary.replicas).toBe(2);
  });

  it('each pre-rollout, gate and post-rollout hook that answers 2xx is reported as an event (Flagger)', async () => {
    const hooks: CanaryWebhook[] = (
      [
        'pre-rollout',
        'confirm-rollout',
        'confirm-traffic-increase',
        'confirm-promotion',
        'post-rollout',
        'rollout',
      ] as const
    ).map((type) => ({ name: `${type}-hook`, type, url: `http://flagger-loadtester.test/${type}` }));
    const world = createWorld({ canary: podinfoCanary({ webhooks: hooks }) });
    await world.initializeThenDeploy();
    await world.runUntil('Succeeded', 30);
    const passed = (type: string) =>
      world.events.messages().filter((m) => m === `${type} check ${type.toLowerCase()}-hook passed`);
    expect(passed('Pre-rollout')).toHaveLength(1);
    expect(passed('Confirm-rollout')).toHaveLength(1);
    expect(passed('Confirm-traffic-increase').length).toBeGreaterThan(0);
    expect(passed('Confirm-promotion').length).toBeGreaterThan(0);
    expect(passed('Post-rollout')).toHaveLength(1);
    // rollout hooks are checks run every interval; Flagger does not report them passing
    expect(passed('Rollout')).toEqual([]);
  });

  it('a muted gate does not alert', async () => {
    const world = withHook('confirm-rollout', { muteAlert: true });
    world.webhooks.close('confirm-rollout-hook');
    await world.initializeThenDeploy();
    await world.tick();
    expect(world.notifier.messages()).not.toContain('Canary is waiting for approval.');
  });

  it('pre-rollout runs on the first interval only; a failure is a failed check and holds the weight', async () => {
    const world = withHook('pre-rollout');
    world.webhooks.set('pre-rollout-hook', [closed('load test not ready'), OK]);
    await world.initializeThenDeploy();
    await world.tick();
    await world.tick();
    expect(world.status).toMatchObject({ failedChecks: 1, canaryWeight: 0 });
    expect(world.events.warnings()).toContain(
      'Halt advancement podinfo.test pre-rollout check pre-rollout-hook failed: load test not ready',
    );
    await world.runUntil('Succeeded', 20);
    expect(world.webhooks.callsOf('pre-rollout-hook')).toHaveLength(2);
  });

  it('rollout hooks run every interval before the metrics; a failure is a failed check and skips the metrics', async () => {
    const world = withHook('rollout', {}, { threshold: 2 });
    await world.initializeThenDeploy();
    await world.tick();
    await world.tick(); // weight 10 (pre-rollout interval)
    world.webhooks.close('rollout-hook', 'hey exited 1');
    const before = world.metrics.queries.length;
    await world.tick();
    expect(world.status.failedChecks).toBe(1);
    expect(world.metrics.queries.length).toBe(before);
    await world.runUntil('Failed', 3);
    expect(world.status.failureReason).toBe(
      'failed checks threshold reached 2: rollout check rollout-hook failed: hey exited 1',
    );
  });

  it('a hook without a type is a rollout hook', async () => {
    const world = createWorld({ canary: podinfoCanary({ webhooks: [{ name: 'load', url: 'http://lt/' }] }) });
    await world.initializeThenDeploy();
    await world.runUntil('Succeeded', 20);
    expect(world.webhooks.callsOf('load').length).toBe(5);
    expect(world.webhooks.callsOf('load').every((c) => c.phase === 'Progressing')).toBe(true);
  });

  it('confirm-traffic-increase is asked at maxWeight too, before confirm-promotion (Flagger)', async () => {
    const world = createWorld({
      canary: podinfoCanary({
        webhooks: [
          { name: 'traffic', type: 'confirm-traffic-increase', url: 'http://gate.test/traffic' },
          { name: 'promotion', type: 'confirm-promotion', url: 'http://gate.test/promotion' },
        ],
      }),
    });
    await world.initializeThenDeploy();
    await world.runUntil((w) => w.status.canaryWeight === 50, 20);
    world.webhooks.close('traffic');
    const promotionAsked = world.webhooks.callsOf('promotion').length;
    await world.tick();
    await world.tick();
    expect(world.status).toMatchObject({ phase: 'Progressing', canaryWeight: 50 });
    expect(world.webhooks.callsOf('promotion')).toHaveLength(promotionAsked);
    world.webhooks.open('traffic');
    await world.runUntil('Promoting', 3);
    expect(world.webhooks.callsOf('promotion').length).toBeGreaterThan(promotionAsked);
  });

  it('confirm-traffic-increase closed holds the weight without a failed check', async () => {
    const world = withHook('confirm-traffic-increase');
    await world.initializeThenDeploy();
    await world.tick();
    await world.tick(); // 10
    world.webhooks.close('confirm-traffic-increase-hook');
    await world.tick();
    await world.tick();
    expect(world.status).toMatchObject({ phase: 'Progressing', canaryWeight: 10 });
    expect(world.status.failedChecks ?? 0).toBe(0);
    expect(world.events.warnings()).toContain(
      'Halt podinfo.test advancement waiting for traffic increase approval confirm-traffic-increase-hook',
    );
    world.webhooks.open('confirm-traffic-increase-hook');
    await world.tick();
    expect(world.status.canaryWeight).toBe(20);
  });

  it('confirm-promotion closed: WaitingPromotion, metrics keep running, promotion once it opens', async () => {
    const world = withHook('confirm-promotion');
    world.webhooks.close('confirm-promotion-hook');
    await world.initializeThenDeploy();
    await world.runUntil('WaitingPromotion', 20);
    const queries = world.metrics.queries.length;
    await world.tick();
    await world.tick();
    expect(world.phase).toBe('WaitingPromotion');
    expect(world.metrics.queries.length).toBe(queries + 4);
    expect(world.router.routes?.canaryWeight).toBe(50);
    expect(
      world.notifier.messages().filter((m) => m === 'Canary promotion is waiting for approval.'),
    ).toHaveLength(1);
    world.webhooks.open('confirm-promotion-hook');
    await world.tick();
    expect(world.phase).toBe('Promoting');
    await world.runUntil('Succeeded', 5);
  });

  it('WaitingPromotion still rolls back when the metrics fail', async () => {
    const world = withHook('confirm-promotion', {}, { threshold: 1 });
    world.webhooks.close('confirm-promotion-hook');
    await world.initializeThenDeploy();
    await world.runUntil('WaitingPromotion', 20);
    world.metrics.set('request-duration', { kind: 'value', value: 900, samples: 1000 });
    await world.runUntil('Failed', 3);
    expect(world.status.failureReason).toBe('failed checks threshold reached 1: request-duration 900 > 500');
  });

  it('rollback hook answering 2xx rolls back during Progressing', async () => {
    const world = withHook('rollback');
    await world.initializeThenDeploy();
    await world.tick();
    await world.tick(); // 10
    await world.tick(); // 20: the hook answers "no" by default
    expect(world.phase).toBe('Progressing');
    world.webhooks.open('rollback-hook');
    await world.tick();
    expect(world.phase).toBe('Failed');
    expect(world.events.warnings()).toContain('Rolling back podinfo.test manual webhook invoked');
    expect(world.notifier.notifications.at(-1)).toMatchObject({
      severity: 'warn',
      message: 'Rolling back manual webhook invoked',
    });
    expect(world.router.routes?.canaryWeight).toBe(0);
  });

  it('post-rollout runs after Succeeded and after Failed, with that phase', async () => {
    const ok = withHook('post-rollout');
    await ok.initializeThenDeploy();
    await ok.runUntil('Succeeded', 20);
    expect(ok.webhooks.callsOf('post-rollout-hook').map((c) => c.phase)).toEqual(['Succeeded']);

    const bad = withHook('post-rollout', {}, { threshold: 1 });
    bad.metrics.set('request-success-rate', { kind: 'value', value: 10, samples: 1000 });
    await bad.initializeThenDeploy();
    await bad.runUntil('Failed', 20);
    expect(bad.webhooks.callsOf('post-rollout-hook').map((c) => c.phase)).toEqual(['Failed']);
  });

  it('event hooks receive every event with eventMessage, eventType and timestamp', async () => {
    const world = withHook('event', { metadata: { team: 'web', eventType: 'not mine' } });
    await world.initializeThenDeploy();
    await world.tick();
    const calls = world.webhooks.callsOf('event-hook');
    expect(calls.map((c) => c.metadata?.eventMessage)).toEqual(world.events.messages());
    expect(calls[2]?.metadata).toEqual({
      team: 'web',
      eventMessage: 'New revision detected! Scaling up podinfo.test',
      eventType: 'Normal',
      timestamp: String(Date.parse('2025-01-01T00:01:00Z')),
    });
  });

  it("an event reporting a transition is posted with the phase it reports, every other with the tick's (Flagger)", async () => {
    const world = withHook('event', {}, { threshold: 1 });
    world.metrics.set('request-success-rate', { kind: 'value', value: 10, samples: 1000 });
    await world.initializeThenDeploy();
    await world.runUntil('Failed', 20);
    const phaseOf = (prefix: string) =>
      world.webhooks
        .callsOf('event-hook')
        .filter((c) => c.metadata?.eventMessage?.startsWith(prefix))
        .map((c) => c.phase);
    expect(phaseOf('Initialization done!')).toEqual(['Initialized']);
    expect(phaseOf('New revision detected! Scaling up')).toEqual(['Progressing']);
    expect(phaseOf('Starting canary analysis')).toEqual(['Progressing']);
    expect(phaseOf('Rolling back')).toEqual(['Progressing']);
    expect(phaseOf('Canary failed!')).toEqual(['Failed']);
  });

  it('a canary without event hooks uses the controller-wide event webhook; one with its own does not', async () => {
    const world = createWorld({
      canary: podinfoCanary({}),
      engine: { eventWebhook: 'http://events.example/hook' },
    });
    await world.initializeThenDeploy();
    await world.tick();
    const calls = world.webhooks.callsOf('event-webhook');
    expect(calls.map((c) => c.metadata?.eventMessage)).toEqual(world.events.messages());

    const own = createWorld({
      canary: podinfoCanary({ webhooks: [{ name: 'mine', type: 'event', url: 'http://mine/' }] }),
      engine: { eventWebhook: 'http://events.example/hook' },
    });
    await own.initializeThenDeploy();
    await own.tick();
    expect(own.webhooks.callsOf('event-webhook')).toEqual([]);
    expect(own.webhooks.callsOf('mine').length).toBe(own.events.messages().length);
  });
});
