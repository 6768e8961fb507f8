import { describe, expect, it } from 'vitest';
import { createWorld, podinfoCanary } from './testing/index.js';
import { rolloutFacts } from './rollout-facts.js';

describe("the initialization and new-revision alerts carry Flagger's facts about the release", () => {
  it('target, failed checks threshold, progress deadline and traffic routing, in that order', async () => {
    const world = createWorld({ canary: podinfoCanary({}, { progressDeadlineSeconds: 120 }) });
    await world.initializeThenDeploy();
    await world.tick(); // the new revision is detected
    const [initialized, newRevision] = world.notifier.notifications;
    expect(newRevision?.message).toBe('New revision detected, progressing canary analysis.');
    for (const alert of [initialized, newRevision]) {
      expect(Object.entries(alert?.fields ?? {})).toEqual([
        ['Target', 'Deployment/podinfo.test'],
        ['Failed checks threshold', '5'],
        ['Progress deadline', '120s'],
        ['Traffic routing', 'Weight step: 10 max: 50'],
      ]);
    }
  });

  it('names each way traffic moves as Flagger does; defaults are 1 failed check and 600s', () => {
    const routing = (analysis: Parameters<typeof podinfoCanary>[0]) =>
      rolloutFacts(podinfoCanary({ stepWeight: undefined, maxWeight: undefined, ...analysis }).spec)[
        'Traffic routing'
      ];
    expect(routing({ stepWeights: [5, 15] })).toBe('Weight steps: 5,15 max: 15');
    expect(routing({ iterations: 2, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] })).toBe(
      'A/B Testing',
    );
    expect(routing({ iterations: 2, mirror: true })).toBe('Blue/Green');
    const spec = podinfoCanary({ threshold: undefined }).spec;
    expect(rolloutFacts(spec)).toMatchObject({ 'Failed checks threshold': '1', 'Progress deadline': '600s' });
  });
});
