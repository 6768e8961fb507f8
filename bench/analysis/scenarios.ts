/**
 * The simulated scenarios and the summary statistics, shared by the simulation (run.ts) and the
 * real-process benchmark (local.ts), so both print numbers from the same definitions.
 */
import { logNormal } from '../../src/analysis/sequential/testing/random.js';
import type { RunOutcome, Scenario } from './simulate.js';

export const RPS = 50;
export const CANARY_WEIGHT = 0.1;
export const REGRESSION_RUNS = 200;
export const AA_RUNS = 400;
export const REGRESSION_HORIZON_S = 30 * 60;
export const AA_HORIZON_S = 10 * 60;
export const FRR_TARGET = 0.01;

// Base latency: log-normal, median 100 ms, sigma 0.674 -> p99 = 100 * e^(0.674 * 2.326) ≈ 480 ms.
export const MEDIAN_MS = 100;
export const SIGMA = 0.674;
export const Z99 = 2.3263479;
export const baseLatency = (random: () => number): number => logNormal(random, MEDIAN_MS, SIGMA);
// The regression: every canary request 50 ms slower (a slow dependency call): p99 480 -> 530 ms.
export const slowLatency = (random: () => number): number => 50 + baseLatency(random);

export const errorScenario = (
  canaryErrorRate: number,
  horizonSeconds: number,
  promotionEndsRun: boolean,
): Scenario => ({
  requestsPerSecond: RPS,
  canaryWeight: CANARY_WEIGHT,
  canary: { errorRate: canaryErrorRate },
  primary: { errorRate: 0.001 },
  horizonSeconds,
  promotionEndsRun,
});

export const latencyScenario = (
  slow: boolean,
  horizonSeconds: number,
  promotionEndsRun: boolean,
): Scenario => ({
  requestsPerSecond: RPS,
  canaryWeight: CANARY_WEIGHT,
  canary: { errorRate: 0, latency: slow ? slowLatency : baseLatency },
  primary: { errorRate: 0, latency: baseLatency },
  horizonSeconds,
  promotionEndsRun,
});

/** The q-quantile of the rollback times; runs without a rollback count as +Infinity. */
export function quantileOfTimes(outcomes: RunOutcome[], q: number): number {
  const times = outcomes
    .map((o) => (o.action === 'rollback' ? o.second : Number.POSITIVE_INFINITY))
    .sort((a, b) => a - b);
  return times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] ?? Number.POSITIVE_INFINITY;
}

export function share(outcomes: RunOutcome[], action: RunOutcome['action']): number {
  return outcomes.filter((o) => o.action === action).length / outcomes.length;
}
