/**
 * The exact (Clopper-Pearson) 95% interval of a binomial proportion: k events in n trials. Exact
 * rather than Wilson because the counts here are small and often zero, where the interval should be
 * conservative. Found by bisection on the binomial distribution function.
 */

/** P(X <= k) for X ~ Binomial(n, p), summed term by term (n is at most a few hundred here). */
function cdf(k: number, n: number, p: number): number {
  if (p <= 0) return 1;
  if (p >= 1) return k >= n ? 1 : 0;
  let term = (1 - p) ** n;
  let sum = term;
  for (let i = 0; i < k; i++) {
    term *= ((n - i) / (i + 1)) * (p / (1 - p));
    sum += term;
  }
  return Math.min(1, sum);
}

/** The p in [0, 1] where the decreasing function f(p) crosses `target`. */
function solve(f: (p: number) => number, target: number): number {
  let [lo, hi] = [0, 1];
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export function clopperPearson(k: number, n: number, confidence = 0.95): [number, number] {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n <= 0 || k < 0 || k > n)
    throw new Error(`clopperPearson: need integers 0 <= k <= n, n > 0; got k=${k}, n=${n}`);
  const tail = (1 - confidence) / 2;
  // Lower: P(X >= k) = tail, i.e. 1 - cdf(k - 1) = tail; upper: cdf(k) = tail.
  const lower = k === 0 ? 0 : solve((p) => cdf(k - 1, n, p), 1 - tail);
  const upper = k === n ? 1 : solve((p) => cdf(k, n, p), tail);
  return [lower, upper];
}
