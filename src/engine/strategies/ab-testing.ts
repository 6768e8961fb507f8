/**
 * A/B testing: for `iterations` intervals, requests matching `analysis.match` go to the canary (routes 0/100
 * with a match: the router sends only matching requests to the canary), then promote.
 */
import { messages } from '../messages.js';
import type { StrategyStep } from './step.js';

export const abTestingStep: StrategyStep = ({ analysis, iterations, name }) => {
  const total = analysis.iterations ?? 0;
  if (iterations >= total) return { kind: 'promote' };
  return {
    kind: 'shift',
    routes: { primaryWeight: 0, canaryWeight: 100, mirrored: false },
    iterations: iterations + 1,
    message: messages.advanceIteration(name, iterations + 1, total),
  };
};
