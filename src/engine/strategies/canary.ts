/**
 * Canary: grow the canary's weight by stepWeight (or along stepWeights) up to maxWeight, then promote.
 * With mirroring, one mirrored interval comes before the first weight shift.
 */
import { TOTAL_WEIGHT, maxWeight, nextStepWeight } from '../../api/defaults.js';
import { messages } from '../messages.js';
import type { StrategyStep } from './step.js';

export const canaryStep: StrategyStep = ({ analysis, routes, name }) => {
  const weight = routes.canaryWeight;
  // Traffic increases are gated, except the one that ends mirroring (Flagger). As in Flagger the gate
  // is also asked at maxWeight, before confirm-promotion: promoting moves the rest of the traffic.
  const gate = routes.mirrored ? undefined : ('confirm-traffic-increase' as const);
  if (weight >= maxWeight(analysis)) return { kind: 'promote', ...(gate ? { gate } : {}) };
  const step = nextStepWeight(analysis, weight);
  if (step <= 0)
    return { kind: 'hold', reason: 'no stepWeight or stepWeights: the canary weight cannot grow' };
  if (analysis.mirror && weight === 0 && !routes.mirrored) {
    return {
      kind: 'shift',
      routes: { primaryWeight: TOTAL_WEIGHT, canaryWeight: 0, mirrored: true },
      gate,
      message: messages.mirror(name),
    };
  }
  const canaryWeight = Math.min(TOTAL_WEIGHT, weight + step);
  return {
    kind: 'shift',
    routes: { primaryWeight: TOTAL_WEIGHT - canaryWeight, canaryWeight, mirrored: false },
    ...(gate ? { gate } : {}),
    message: messages.advanceWeight(name, canaryWeight),
  };
};
