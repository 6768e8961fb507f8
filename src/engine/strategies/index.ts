import type { Strategy } from '../../api/defaults.js';
import { abTestingStep } from './ab-testing.js';
import { blueGreenStep } from './blue-green.js';
import { canaryStep } from './canary.js';
import type { StrategyStep } from './step.js';

export const STRATEGIES: Record<Strategy, StrategyStep> = {
  canary: canaryStep,
  'ab-testing': abTestingStep,
  'blue-green': blueGreenStep,
};

export { abTestingStep, blueGreenStep, canaryStep };
export type { StepDecision, StepInput, StrategyStep } from './step.js';
