import type { Canary } from '../../api/types.js';
import { AviaryError } from '../../errors.js';
import { ALL_TO_PRIMARY, type RouteOptions, type Routes, type TrafficRouter } from '../ports.js';

export interface RouteChange {
  routes: Routes;
  options?: RouteOptions;
}

/**
 * Routing in memory. Set `applies = false` to play a routing layer that keeps the old split: like every
 * real router, setRoutes then throws ROUTE_NOT_APPLIED.
 */
export class InMemoryRouter implements TrafficRouter {
  routes: Routes | undefined;
  options: RouteOptions | undefined;
  applies = true;
  finalized = false;
  /** Every split asked for, in order (applied or not). */
  readonly requested: RouteChange[] = [];
  /** Every split actually held, in order, one entry per change. */
  readonly applied: Routes[] = [];

  reconcile(_canary: Canary): Promise<void> {
    this.routes ??= { ...ALL_TO_PRIMARY };
    return Promise.resolve();
  }

  setRoutes(_canary: Canary, routes: Routes, options?: RouteOptions): Promise<void> {
    this.requested.push({ routes: { ...routes }, ...(options ? { options: { ...options } } : {}) });
    if (!this.applies) {
      const held = this.routes?.canaryWeight ?? 0;
      const message = `route not applied: asked canary ${routes.canaryWeight}%, router holds ${held}%`;
      return Promise.reject(new AviaryError('ROUTE_NOT_APPLIED', message));
    }
    const same =
      this.routes &&
      this.routes.canaryWeight === routes.canaryWeight &&
      this.routes.primaryWeight === routes.primaryWeight &&
      this.routes.mirrored === routes.mirrored;
    this.routes = { ...routes };
    this.options = options;
    if (!same) this.applied.push({ ...routes });
    return Promise.resolve();
  }

  getRoutes(_canary: Canary): Promise<Routes> {
    return Promise.resolve({ ...(this.routes ?? ALL_TO_PRIMARY) });
  }

  finalize(_canary: Canary): Promise<void> {
    this.finalized = true;
    this.routes = undefined;
    return Promise.resolve();
  }

  /** Canary weights of the distinct splits held so far, e.g. [10, 20, 30, 0]; mirrored splits show as "m". */
  weights(): (number | 'm')[] {
    return this.applied.map((r) => (r.mirrored ? 'm' : r.canaryWeight));
  }
}
