/**
 * How many of n requests may reach the canary when the proxy sends each one there with probability p,
 * before the split counts as wrong: the exact binomial acceptance interval [lo, hi] with
 * P(X < lo) <= alpha/2 and P(X > hi) <= alpha/2 (no normal approximation, so it also holds at p near
 * 0 or 1 and at small n). A proxy that balances deterministically (Traefik's weighted round robin)
 * lands near n*p and passes easily; one that routes by the wrong weights lands far outside.
 */
export interface BinomialInterval {
  lo: number;
  hi: number;
}

export function binomialInterval(n: number, p: number, alpha: number): BinomialInterval {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`binomialInterval: n must be a positive integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new Error(`binomialInterval: p must be in [0, 1], got ${p}`);
  if (!(alpha > 0 && alpha < 1)) throw new Error(`binomialInterval: alpha must be in (0, 1), got ${alpha}`);
  if (p === 0) return { lo: 0, hi: 0 };
  if (p === 1) return { lo: n, hi: n };
  // log P(X = k), built up by the ratio P(k+1)/P(k) = (n-k)/(k+1) * p/(1-p) (exact, no factorials).
  const logPmf: number[] = [n * Math.log1p(-p)];
  const logOdds = Math.log(p) - Math.log1p(-p);
  for (let k = 0; k < n; k++) logPmf.push(logPmf[k]! + Math.log((n - k) / (k + 1)) + logOdds);
  const pmf = logPmf.map(Math.exp);
  let lo = 0;
  for (let below = 0; below + pmf[lo]! <= alpha / 2; lo++) below += pmf[lo]!;
  let hi = n;
  for (let above = 0; above + pmf[hi]! <= alpha / 2; hi--) above += pmf[hi]!;
  return { lo, hi };
}
