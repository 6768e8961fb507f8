/** What a strategy decides for one analysis interval that passed. Strategies are pure: no ports, no clock. */
import type { CanaryAnalysis, Provider } from '../../api/types.js';
import type { Routes } from '../ports.js';

export interface StepInput {
  analysis: CanaryAnalysis;
  /** Routes as the router holds them now. */
  routes: Routes;
  /** status.iterations */
  iterations: number;
  provider: Provider;
  /** `<name>.<namespace>` for messages. */
  name: string;
}

export type StepDecision =
  /** Change the traffic split (after the gate, if any, opens). */
  | {
      kind: 'shift';
      routes: Routes;
      iterations?: number;
      gate?: 'confirm-traffic-increase' | 'confirm-promotion';
      message: string;
    }
  /** The analysis is complete: promote (after the gate, if any, then confirm-promotion). */
  | { kind: 'promote'; gate?: 'confirm-traffic-increase' }
  /** Nothing to do this interval. */
  | { kind: 'hold'; reason: string };

export type StrategyStep = (input: StepInput) => StepDecision;
