/**
 * The simulation: seconds of simulated time, a constant request rate split by weight, seeded outcomes.
 * Every policy in a run sees the same requests (common random numbers), so differences between
 * policies are differences between policies, not between draws.
 */
import { mulberry32 } from '../../src/analysis/sequential/testing/random.js';
import type { Action, PolicyFactory, SecondOfTraffic } from './policies.js';

export interface VersionModel {
  /** Probability that a request fails. */
  readonly errorRate: number;
  /** Draws one request latency in ms; omit to skip latencies (error-only scenarios run faster). */
  readonly latency?: (random: () => number) => number;
}

export interface Scenario {
  readonly requestsPerSecond: number;
  /** Canary share of traffic, 0..1. */
  readonly canaryWeight: number;
  readonly canary: VersionModel;
  readonly primary: VersionModel;
  readonly horizonSeconds: number;
  /**
   * Whether a promotion ends the run. In a regression it does (the regression shipped); in an A/A run
   * we keep watching to the horizon, which can only add false rollbacks (conservative for Aviary).
   */
  readonly promotionEndsRun: boolean;
}

export interface RunOutcome {
  readonly action: Action; // rollback, promote, or continue (= nothing by the horizon)
  readonly second: number;
}

function second(random: () => number, requests: number, model: VersionModel): SecondOfTraffic {
  let errors = 0;
  const latenciesMs: number[] = [];
  for (let i = 0; i < requests; i++) {
    if (random() < model.errorRate) errors++;
    if (model.latency) latenciesMs.push(model.latency(random));
  }
  return { requests, errors, latenciesMs };
}

/** Runs `runs` seeded runs; returns, per policy, each run's outcome. */
export function simulate(
  scenario: Scenario,
  factories: readonly PolicyFactory[],
  runs: number,
  seed: number,
): RunOutcome[][] {
  const canaryRps = Math.round(scenario.requestsPerSecond * scenario.canaryWeight);
  const primaryRps = scenario.requestsPerSecond - canaryRps;
  const outcomes: RunOutcome[][] = factories.map(() => []);
  for (let run = 0; run < runs; run++) {
    const random = mulberry32(seed + run);
    const policies = factories.map((make) => make());
    const done: (RunOutcome | null)[] = policies.map(() => null);
    let open = policies.length;
    for (let t = 1; t <= scenario.horizonSeconds && open > 0; t++) {
      const canary = second(random, canaryRps, scenario.canary);
      const primary = second(random, primaryRps, scenario.primary);
      policies.forEach((policy, i) => {
        if (done[i]) return;
        const action = policy.observe(t, canary, primary);
        if (action === 'rollback' || (action === 'promote' && scenario.promotionEndsRun)) {
          done[i] = { action, second: t };
          open--;
        }
      });
    }
    done.forEach((outcome, i) =>
      outcomes[i]?.push(outcome ?? { action: 'continue', second: scenario.horizonSeconds }),
    );
  }
  return outcomes;
}
