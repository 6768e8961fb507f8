/**
 * A confidence sequence for one quantile of a latency distribution, from a histogram of all samples
 * seen so far (Howard & Ramdas 2022, "Sequential estimation of quantiles with applications to
 * A/B-testing and best-arm identification", Bernoulli 28(3): the fixed-quantile construction with a
 * beta-binomial boundary).
 *
 * Why it works. Let xi be the true q-quantile. Write each latency as X_i = F^-1(U_i) with U_i uniform;
 * B_i = 1{U_i <= q} are Bernoulli(q), and their running count N_n stays inside the beta-binomial band
 * [a_n, b_n] (./beta-binomial.ts countAcceptanceBand) at every n with probability >= 1 - alpha. Since
 * {X_i < xi} implies B_i = 1 and B_i = 1 implies {X_i <= xi}:
 *   #{X_i <= xi} >= N_n >= a_n   so the a_n-th smallest sample is <= xi      (lower bound)
 *   #{X_i <  xi} <= N_n <= b_n   so the (b_n+1)-th smallest sample is >= xi  (upper bound)
 * for every n at once. No assumption on the distribution's shape; ties and atoms are fine.
 */
import { countAcceptanceBand, type Interval } from './beta-binomial.js';
import type { LatencyHistogram } from './latency-histogram.js';

export function quantileConfidenceSequence(
  histogram: LatencyHistogram,
  quantile: number,
  alpha: number,
): Interval {
  const n = histogram.count;
  const unbounded = { lo: 0, hi: Number.POSITIVE_INFINITY };
  if (n === 0) return unbounded;
  const band = countAcceptanceBand(n, quantile, alpha);
  if (band === null) return unbounded;
  const lowerRank = band.min; // the a_n-th smallest; 0 means no lower bound yet
  const upperRank = band.max + 1; // the (b_n+1)-th smallest; > n means no upper bound yet
  const [lower, upper] = histogram.orderStatistics([lowerRank, upperRank]);
  return {
    lo: lowerRank >= 1 && lower ? lower.lo : 0,
    hi: upperRank <= n && upper ? upper.hi : Number.POSITIVE_INFINITY,
  };
}
