/**
 * Crash safety: in many seeded rollouts a port call throws (before or after acting) at random; the next
 * reconcile starts from whatever status was last written. Every run must still end where it should.
 */
import { describe, expect, it } from 'vitest';
import type { CanaryAnalysis } from '../api/types.js';
import {
  FAILING_METRICS,
  HEALTHY_METRICS,
  InjectedCrash,
  createWorld,
  crashingPorts,
  mulberry32,
  podinfoCanary,
  type CrashingPorts,
  type World,
} from './testing/index.js';

const hooks: CanaryAnalysis['webhooks'] = [
  { name: 'pre', type: 'pre-rollout', url: 'http://lt/pre' },
  { name: 'load', type: 'rollout', url: 'http://lt/load' },
  { name: 'promote', type: 'confirm-promotion', url: 'http://lt/gate' },
  { name: 'post', type: 'post-rollout', url: 'http://lt/post' },
  { name: 'events', type: 'event', url: 'http://lt/events' },
];

const SCENARIOS: Record<string, Partial<CanaryAnalysis>> = {
  canary: {},
  'canary stepWeights': { stepWeight: undefined, maxWeight: undefined, stepWeights: [1, 5, 25, 50] },
  'canary mirror + stepWeightPromotion': { mirror: true, stepWeightPromotion: 20 },
  'canary session affinity': { sessionAffinity: { cookieName: 'canary' } },
  'a/b': {
    stepWeight: undefined,
    maxWeight: undefined,
    iterations: 3,
    match: [{ headers: { x: { exact: 'y' } } }],
  },
  'blue/green': { stepWeight: undefined, maxWeight: undefined, iterations: 3 },
  'blue/green mirror': { stepWeight: undefined, maxWeight: undefined, iterations: 3, mirror: true },
};
const NAMES = Object.keys(SCENARIOS);

/** Ticks until `done`, treating an injected crash as a dead process that is restarted a little later. */
async function drive(world: World, done: (w: World) => boolean, max: number): Promise<void> {
  for (let n = 0; n < max; n++) {
    try {
      await world.tick();
    } catch (err) {
      if (!(err instanceof InjectedCrash)) throw err;
      world.clock.advance(5_000);
    }
    if (done(world)) return;
  }
  throw new Error(`not done after ${max} ticks: phase ${world.phase}, weight ${world.status.canaryWeight}`);
}

describe('crash at any line', () => {
  it('300 seeded rollouts with random crashes all end in the right phase with the right world', async () => {
    let crashes = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const scenario = NAMES[seed % NAMES.length] ?? 'canary';
      const healthy = seed % 2 === 0;
      const random = mulberry32(seed);
      let ports: CrashingPorts | undefined;
      const world = createWorld({
        canary: podinfoCanary({ threshold: 2, webhooks: hooks, ...SCENARIOS[scenario] }),
        metrics: healthy ? HEALTHY_METRICS : FAILING_METRICS,
        wrap: (p) => (ports = crashingPorts(p, { random, probability: 0.03 })),
      });
      const context = `seed ${seed} (${scenario}, ${healthy ? 'healthy' : 'failing'})`;

      await drive(world, (w) => w.phase === 'Initialized', 50);
      world.target.deploy('v2');
      await drive(
        world,
        (w) => w.status.lastAppliedSpec === 'v2' && (w.phase === 'Succeeded' || w.phase === 'Failed'),
        200,
      );

      expect(world.phase, context).toBe(healthy ? 'Succeeded' : 'Failed');
      expect(world.router.routes, context).toEqual({ primaryWeight: 100, canaryWeight: 0, mirrored: false });
      expect(world.target.canary.replicas, context).toBe(0);
      expect(world.target.primary?.revision.spec, context).toBe(healthy ? 'v2' : 'v1');
      expect(world.status.canaryWeight, context).toBe(0);
      crashes += ports?.crashes.count ?? 0;
    }
    // the runs above must actually have crashed, a lot
    expect(crashes).toBeGreaterThan(300);
  });
});
