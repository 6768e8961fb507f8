/**
 * Steps done and left of a release, as the spec defines them: iterations for A/B testing and blue/green,
 * the stepWeights list, or stepWeight increments up to maxWeight.
 */
import { maxWeight } from '../../api/defaults.js';
import type { Canary, CanaryStatus } from '../../api/types.js';

export interface Steps {
  done: number;
  total: number;
  /** What a step is: "iterations" or "weight steps". */
  unit: string;
}

export function stepsOf(canary: Canary, status: CanaryStatus): Steps {
  const analysis = canary.spec.analysis;
  if (analysis.iterations !== undefined && analysis.iterations > 0) {
    return {
      done: Math.min(status.iterations ?? 0, analysis.iterations),
      total: analysis.iterations,
      unit: 'iterations',
    };
  }
  const weight = status.canaryWeight ?? 0;
  if (analysis.stepWeights && analysis.stepWeights.length > 0) {
    const done = analysis.stepWeights.filter((w) => w <= weight).length;
    return { done, total: analysis.stepWeights.length, unit: 'weight steps' };
  }
  const step = analysis.stepWeight ?? 0;
  if (step <= 0) return { done: 0, total: 0, unit: 'weight steps' };
  const total = Math.ceil(maxWeight(analysis) / step);
  return { done: Math.min(total, Math.floor(weight / step)), total, unit: 'weight steps' };
}
