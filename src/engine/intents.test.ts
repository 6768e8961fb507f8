/**
 * The intent rules that the release tests on the real cluster (test/cli) do not reach: an intent that
 * cannot act in the current phase is acknowledged with the reason and a Warning, a malformed annotation
 * is reported once, and a pause also holds a release waiting at its confirm-rollout gate.
 */
import { describe, expect, it } from 'vitest';
import { INTENT_ANNOTATION, newIntent, serializeIntent, type IntentKind } from '../api/intent.js';
import { createWorld, podinfoCanary, type World } from './testing/index.js';

function ask(world: World, kind: IntentKind, user = 'alice'): string {
  const intent = newIntent(kind, user);
  world.canary = {
    ...world.canary,
    metadata: { ...world.canary.metadata, annotations: { [INTENT_ANNOTATION]: serializeIntent(intent) } },
  };
  return intent.id;
}

describe('intents the phase cannot carry out', () => {
  it('abort after success is acknowledged as ignored, with a Warning, and changes nothing', async () => {
    const world = createWorld();
    await world.initializeThenDeploy();
    await world.runUntil('Succeeded', 40);
    const before = world.status;
    const id = ask(world, 'abort');
    await world.tick();
    expect(world.status.lastIntent).toMatchObject({
      id,
      kind: 'abort',
      user: 'alice',
      outcome: 'ignored: no rollout to abort in phase Succeeded',
    });
    expect(world.phase).toBe('Succeeded');
    expect(world.status.lastPromotedSpec).toBe(before.lastPromotedSpec);
    expect(world.events.warnings()).toContain(
      'podinfo.test abort by alice ignored: no rollout to abort in phase Succeeded',
    );
    // Read again at the next ticks: acknowledged, so no second warning.
    await world.tick();
    await world.tick();
    expect(world.events.warnings().filter((w) => w.includes('abort by alice'))).toHaveLength(1);
  });

  it('a malformed annotation is reported once, naming the field', async () => {
    const world = createWorld();
    await world.runUntil('Initialized', 10);
    world.canary = {
      ...world.canary,
      metadata: { ...world.canary.metadata, annotations: { [INTENT_ANNOTATION]: '{"kind":"halt"}' } },
    };
    await world.tick();
    await world.tick();
    const warnings = world.events.warnings().filter((w) => w.includes(INTENT_ANNOTATION));
    expect(warnings).toEqual([
      `podinfo.test ignoring annotation ${INTENT_ANNOTATION}: field "id" must be a non-empty string`,
    ]);
    expect(world.phase).toBe('Initialized');
  });
});

describe('pause', () => {
  it('holds a release at its confirm-rollout gate even once the gate opens, until resume', async () => {
    const canary = podinfoCanary({
      webhooks: [{ name: 'approve', type: 'confirm-rollout', url: 'http://gate.test/approve' }],
    });
    const world = createWorld({ canary });
    world.webhooks.close('approve');
    await world.initializeThenDeploy();
    await world.runUntil('Waiting', 5);
    ask(world, 'pause');
    await world.tick();
    expect(world.status.paused).toMatchObject({ user: 'alice' });
    world.webhooks.open('approve');
    await world.tick();
    await world.tick();
    expect(world.phase).toBe('Waiting');
    ask(world, 'resume');
    await world.runUntil('Progressing', 3);
    expect(world.status.paused).toBeUndefined();
  });
});
