/**
 * A forecast for the person waiting on an inconclusive error-rate comparison: how many canary requests
 * it would take to decide if the error rates seen so far held and the traffic kept its split between the
 * versions. Both versions' counts are scaled by one factor and the difference interval of ./error-rate.ts
 * is computed again; the smallest scale that puts the interval clear of the margin is the answer. It is
 * only ever shown, never used to decide: the decision uses the counts observed.
 */
import { proportionConfidenceSequence } from './beta-binomial.js';

interface Counts {
  readonly requests: number;
  readonly errors: number;
}

/** Beyond this many canary requests the forecast says "more than" rather than a number. */
export const FORECAST_LIMIT = 10_000_000;

/**
 * Canary requests at which the comparison would decide (within 2%), or undefined when even
 * FORECAST_LIMIT would not: the canary's rate sits on the margin. Both versions need requests.
 */
export function canaryRequestsToDecide(
  canary: Counts,
  primary: Counts,
  margin: number,
  alpha: number,
): number | undefined {
  const canaryRate = canary.errors / canary.requests;
  const primaryRate = primary.errors / primary.requests;
  const decides = (n: number): boolean => {
    const m = Math.max(1, Math.round((primary.requests * n) / canary.requests));
    const c = proportionConfidenceSequence(Math.round(canaryRate * n), n, alpha / 2);
    const p = proportionConfidenceSequence(Math.round(primaryRate * m), m, alpha / 2);
    return c.lo - p.hi > margin || c.hi - p.lo < margin;
  };
  let undecided = canary.requests;
  let decided = canary.requests;
  while (!decides(decided)) {
    if (decided >= FORECAST_LIMIT) return undefined;
    undecided = decided;
    decided = Math.min(FORECAST_LIMIT, decided * 2);
  }
  while (decided - undecided > Math.max(1, decided * 0.02)) {
    const mid = Math.round((decided + undecided) / 2);
    if (decides(mid)) decided = mid;
    else undecided = mid;
  }
  return decided;
}
