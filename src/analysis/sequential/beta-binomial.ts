/**
 * The beta-binomial mixture martingale: the one piece of probability every judge in this folder rests on.
 *
 * For Bernoulli outcomes X_1, X_2, ... with success probability p, and S_n = X_1 + ... + X_n, the
 * likelihood ratio of "success probability q" against "p", averaged over a Beta(a, b) prior on q, is
 *
 *   M_n(p) = ∫ q^S (1-q)^(n-S) dBeta(q; a, b) / (p^S (1-p)^(n-S))
 *          = B(a + S, b + n - S) / B(a, b) / (p^S (1-p)^(n-S)).
 *
 * Under the true p, M_n(p) is a non-negative martingale with M_0 = 1 (a mixture of likelihood ratios),
 * so Ville's inequality gives P(there is ANY n with M_n(p) >= 1/alpha) <= alpha. Hence the set
 * { p : M_n(p) < 1/alpha } is a confidence sequence: it holds the true p at every n simultaneously with
 * probability >= 1 - alpha, so one may look after every request and stop whenever one likes.
 * Robbins (1970) "Statistical methods related to the law of the iterated logarithm"; Howard, Ramdas,
 * McAuliffe, Sekhon (2021) "Time-uniform, nonparametric, nonasymptotic confidence sequences", Ann. Stat.
 * 49(2), section on the beta-binomial mixture. Johari et al. (2022, "Always valid inference") build the
 * same object (mSPRT) with a normal mixture; the beta mixture needs no normal approximation, which
 * matters for error rates of 0.1% where a few hundred requests hold zero or one error.
 *
 * The prior is Jeffreys' Beta(1/2, 1/2) (the Krichevsky-Trofimov mixture): it is fixed before any data
 * (as validity requires) and puts more mass near 0 and 1 than a uniform prior, which is where error
 * rates and the 0.99 quantile live. A different fixed prior would be just as valid, only tighter
 * elsewhere.
 */
import { gammaln } from 'simple-statistics';

export interface BetaPrior {
  readonly a: number;
  readonly b: number;
}

export const JEFFREYS_PRIOR: BetaPrior = { a: 0.5, b: 0.5 };

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

function logBeta(a: number, b: number): number {
  return gammaln(a) + gammaln(b) - gammaln(a + b);
}

/** log of the marginal likelihood of the data under the prior, minus log B(a, b): the part free of p. */
function logMixture(successes: number, trials: number, prior: BetaPrior): number {
  return logBeta(prior.a + successes, prior.b + trials - successes) - logBeta(prior.a, prior.b);
}

function logLikelihood(successes: number, trials: number, p: number): number {
  const failures = trials - successes;
  // 0 * log 0 = 0: an outcome that never happened does not penalise p = 0 or p = 1.
  return (successes > 0 ? successes * Math.log(p) : 0) + (failures > 0 ? failures * Math.log1p(-p) : 0);
}

/** 2^-50 of the unit interval: far below any rate anyone would print. */
const BISECTION_STEPS = 50;

/**
 * The confidence sequence for a Bernoulli probability: { p : M_n(p) < 1/alpha }.
 * log M_n(p) is convex in p with its minimum (<= 0, because a mixture never beats the maximum
 * likelihood) at p = S/n, so the set is an interval found by bisection on each side. Bisection
 * returns the outer end of its last bracket, so rounding only ever widens the interval.
 */
export function proportionConfidenceSequence(
  successes: number,
  trials: number,
  alpha: number,
  prior: BetaPrior = JEFFREYS_PRIOR,
): Interval {
  if (trials === 0) return { lo: 0, hi: 1 };
  const bound = Math.log(1 / alpha);
  const mixture = logMixture(successes, trials, prior);
  const excess = (p: number): number => mixture - logLikelihood(successes, trials, p) - bound;
  const estimate = successes / trials;

  let lo = 0;
  if (successes > 0) {
    let outside = 0;
    let inside = estimate;
    for (let i = 0; i < BISECTION_STEPS; i++) {
      const mid = (outside + inside) / 2;
      if (excess(mid) >= 0) outside = mid;
      else inside = mid;
    }
    lo = outside;
  }
  let hi = 1;
  if (successes < trials) {
    let inside = estimate;
    let outside = 1;
    for (let i = 0; i < BISECTION_STEPS; i++) {
      const mid = (outside + inside) / 2;
      if (excess(mid) >= 0) outside = mid;
      else inside = mid;
    }
    hi = outside;
  }
  return { lo, hi };
}

/**
 * The same boundary read the other way round: for a KNOWN p, the counts k that keep M_n(p) below
 * 1/alpha after n trials, { k : M_n(p; k) < 1/alpha }. With probability >= 1 - alpha the running count
 * of successes stays inside this band at every n. (log M is convex in k, so the band is an interval.)
 * Returns null only if the band is empty, which the mixture's construction rules out in practice.
 */
export function countAcceptanceBand(
  trials: number,
  p: number,
  alpha: number,
  prior: BetaPrior = JEFFREYS_PRIOR,
): { min: number; max: number } | null {
  const bound = Math.log(1 / alpha);
  const priorTerm = logBeta(prior.a, prior.b);
  const inside = (k: number): boolean =>
    logBeta(prior.a + k, prior.b + trials - k) - priorTerm - logLikelihood(k, trials, p) < bound;

  // The continuous minimiser is near p(n + a + b) - a; check its integer neighbours.
  const guess = Math.round(p * (trials + prior.a + prior.b) - prior.a);
  let centre = -1;
  for (const k of [guess - 1, guess, guess + 1]) {
    if (k >= 0 && k <= trials && inside(k)) {
      centre = k;
      break;
    }
  }
  if (centre < 0) return null;

  // Smallest k inside: `lo` is outside (or -1), `hi` inside.
  let lo = -1;
  let hi = centre;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (inside(mid)) hi = mid;
    else lo = mid;
  }
  const min = hi;
  // Largest k inside: `lo` inside, `hi` outside (or trials + 1).
  lo = centre;
  hi = trials + 1;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (inside(mid)) lo = mid;
    else hi = mid;
  }
  return { min, max: lo };
}
