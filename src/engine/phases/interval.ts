/** The state one analysis interval carries from guard to guard to step. */
import type { CanaryStatus } from '../../api/types.js';
import type { Routes } from '../ports.js';
import type { Tick } from '../tick.js';

export interface Interval {
  tick: Tick;
  /** What the router holds (the source of truth for weights). */
  routes: Routes;
  /** Facts learnt so far this tick, carried into whatever status the tick ends with. */
  patch: Partial<CanaryStatus>;
}

/** A guard returns the tick's final status when it ends the tick, undefined to let the interval go on. */
export type Guard = (interval: Interval) => Promise<CanaryStatus | undefined>;
