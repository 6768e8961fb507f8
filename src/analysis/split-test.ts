/**
 * Is an observed traffic split consistent with the configured weights? Exact tests only: a binomial test
 * for two versions, a multinomial test (every outcome at most as likely as the observed one) for more.
 * Used by `aviary verify` and by the controller's observed-share check.
 */
import { gammaln } from 'simple-statistics';

/** R's binom.test tolerance: outcomes this close to the observed probability count as "as extreme". */
const RELATIVE_TOLERANCE = 1 + 1e-7;
/** The multinomial test enumerates every way to split the requests; beyond this it would take minutes. */
export const MAX_MULTINOMIAL_OUTCOMES = 2_000_000;

const logFactorial = (n: number) => gammaln(n + 1);

/** log P(X = k) for X ~ Binomial(n, p). */
export function binomialLogPmf(k: number, n: number, p: number): number {
  if (p <= 0) return k === 0 ? 0 : -Infinity;
  if (p >= 1) return k === n ? 0 : -Infinity;
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/** Two-sided exact binomial p-value of `x` successes in `n` trials at success probability `p`. */
export function binomialPValue(x: number, n: number, p: number): number {
  const observed = binomialLogPmf(x, n, p) + Math.log(RELATIVE_TOLERANCE);
  let total = 0;
  for (let k = 0; k <= n; k++) {
    const log = binomialLogPmf(k, n, p);
    if (log <= observed) total += Math.exp(log);
  }
  return Math.min(1, total);
}

/** The central range of counts holding at least `confidence` of Binomial(n, p): [low, high]. */
export function binomialRange(n: number, p: number, confidence: number): [number, number] {
  const tail = (1 - confidence) / 2;
  let cumulative = 0;
  let low: number | undefined;
  for (let k = 0; k <= n; k++) {
    cumulative += Math.exp(binomialLogPmf(k, n, p));
    if (low === undefined && cumulative > tail) low = k;
    if (cumulative >= 1 - tail) return [low ?? k, k];
  }
  return [low ?? n, n];
}

/** Exact multinomial p-value: the probability of every split at most as likely as the observed one. */
export function multinomialPValue(counts: readonly number[], probabilities: readonly number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  const outcomes = Math.exp(
    logFactorial(n + counts.length - 1) - logFactorial(n) - logFactorial(counts.length - 1),
  );
  if (outcomes > MAX_MULTINOMIAL_OUTCOMES) {
    throw new RangeError(
      `an exact test of ${n} requests over ${counts.length} versions means ${outcomes.toExponential(1)} outcomes; ` +
        `compare two versions at a time, or fewer requests`,
    );
  }
  const logPmf = (split: readonly number[]) =>
    split.reduce((sum, c, i) => {
      const p = probabilities[i] ?? 0;
      if (c === 0) return sum;
      return p <= 0 ? -Infinity : sum - logFactorial(c) + c * Math.log(p);
    }, logFactorial(n));
  const observed = logPmf(counts) + Math.log(RELATIVE_TOLERANCE);
  let total = 0;
  const split = new Array<number>(counts.length).fill(0);
  const visit = (index: number, left: number): void => {
    if (index === counts.length - 1) {
      split[index] = left;
      const log = logPmf(split);
      if (log <= observed) total += Math.exp(log);
      return;
    }
    for (let c = 0; c <= left; c++) {
      split[index] = c;
      visit(index + 1, left - c);
    }
  };
  visit(0, n);
  return Math.min(1, total);
}

export interface VersionShare {
  version: string;
  count: number;
  /** Configured weight, percent. */
  weight: number;
  /** The range of counts expected at the chosen confidence. */
  expected: [number, number];
}

export interface SplitTest {
  total: number;
  versions: VersionShare[];
  pValue: number;
  confidence: number;
  /** 'mismatch': the split differs from the weights beyond chance; 'too-few': no count could show that. */
  verdict: 'consistent' | 'mismatch' | 'too-few';
  /** For 'too-few': the requests needed before the test could tell. */
  needed?: number;
  method: 'exact binomial' | 'exact multinomial';
}

/**
 * The smallest request count at which the most extreme splits for this weight (none, or all, reaching the
 * version) would be rejected at `confidence`. Below it a "consistent" answer would mean nothing.
 */
export function requestsNeeded(weightPercent: number, confidence: number): number {
  const key = `${weightPercent}/${confidence}`;
  let needed = neededCache.get(key);
  if (needed === undefined) {
    needed = searchRequestsNeeded(weightPercent, confidence);
    if (neededCache.size < 10_000) neededCache.set(key, needed);
  }
  return needed;
}

/** Weights are few (whole percents, mostly): the controller asks the same question every interval. */
const neededCache = new Map<string, number>();

function searchRequestsNeeded(weightPercent: number, confidence: number): number {
  const p = weightPercent / 100;
  const alpha = 1 - confidence;
  for (let n = 1; n <= 100_000; n++) {
    const none = p <= 0 ? 0 : binomialPValue(0, n, p);
    const all = p >= 1 ? 0 : binomialPValue(n, n, p);
    if ((p <= 0 || none < alpha) && (p >= 1 || all < alpha)) return n;
  }
  return Infinity;
}

/** Tests `counts` (by version) against `weights` (percent, by the same versions, adding up to 100). */
export function testSplit(
  counts: Readonly<Record<string, number>>,
  weights: Readonly<Record<string, number>>,
  confidence: number,
): SplitTest {
  const names = Object.keys(weights);
  const total = names.reduce((sum, v) => sum + (counts[v] ?? 0), 0);
  const versions = names.map((version) => {
    const weight = weights[version] ?? 0;
    return {
      version,
      count: counts[version] ?? 0,
      weight,
      expected: binomialRange(total, weight / 100, confidence),
    };
  });
  const twoVersions = names.length === 2;
  const pValue =
    total === 0
      ? 1
      : twoVersions
        ? binomialPValue(versions[0]!.count, total, versions[0]!.weight / 100)
        : multinomialPValue(
            versions.map((v) => v.count),
            versions.map((v) => v.weight / 100),
          );
  const needed = Math.max(
    ...versions
      .filter((v) => v.weight > 0 && v.weight < 100)
      .map((v) => requestsNeeded(v.weight, confidence)),
    1,
  );
  const method = twoVersions ? 'exact binomial' : 'exact multinomial';
  const base = { total, versions, pValue, confidence, method } as const;
  if (pValue < 1 - confidence) return { ...base, verdict: 'mismatch' };
  if (total < needed) return { ...base, verdict: 'too-few', needed };
  return { ...base, verdict: 'consistent' };
}
