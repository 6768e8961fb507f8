/**
 * The exact (Clopper-Pearson) 95% interval of a binomial proportion: k events in n trials. Exact
 * rather than Wilson because the counts here are small and often zero, where the interval should be
 * conservative. Found by bisection on the binomial distribution function.
 */

/**
 * P(X <= k) for X ~ Binomial(n, p), summed term by term in logarithms (a term like (1 - p)^n underflows
 * to zero for large n long before the sum it belongs to is negligible).
 */
function cdf(k: number, n: number, p: number): number {
  if (p <= 0) return 1;
  if (p >= 1) return k >= n ? 1 : 0;
  const [logP, logQ] = [Math.log(p), Math.log1p(-p)];
  let logChoose = 0; // log C(n, i)
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += Math.exp(logChoose + i * logP + (n - i) * logQ);
    logChoose += Math.log(n - i) - Math.log(i + 1);
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
