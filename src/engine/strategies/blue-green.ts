/**
 * Blue/green: the canary is analysed for `iterations` intervals while users stay on the primary (their
 * traffic mirrored to the canary with `mirror`), then all traffic goes to the canary for one interval,
 * then promote. The `kubernetes` provider cannot split traffic and promotes straight after the iterations.
 */
import { messages } from '../messages.js';
import type { StrategyStep } from './step.js';

export const blueGreenStep: StrategyStep = ({ analysis, routes, iterations, provider, name }) => {
  const total = analysis.iterations ?? 0;
  if (iterations < total) {
    return {
      kind: 'shift',
      routes: {
        primaryWeight: 100,
        canaryWeight: 0,
        mirrored: Boolean(analysis.mirror) && provider !== 'kubernetes',
      },
      iterations: iterations + 1,
      message: messages.advanceIteration(name, iterations + 1, total),
    };
  }
  if (iterations === total && provider !== 'kubernetes') {
    return {
      kind: 'shift',
      routes: { primaryWeight: 0, canaryWeight: 100, mirrored: false },
      iterations: total + 1,
      gate: 'confirm-promotion',
      message: messages.allToCanary(routes.mirrored),
    };
  }
  return { kind: 'promote' };
};
