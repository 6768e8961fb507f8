/**
 * Fixed log-scale latency buckets (each 10% wider than the last, 0.05 ms to ~2 min): a quantile read from
 * them is within about 5% of the true value, and a second of traffic costs one small typed array.
 */
const MIN_MS = 0.05;
const RATIO = 1.1;
export const BUCKETS = 160;
const LOG_RATIO = Math.log(RATIO);

export function bucketOf(ms: number): number {
  if (!(ms > MIN_MS)) return 0;
  return Math.min(BUCKETS - 1, Math.floor(Math.log(ms / MIN_MS) / LOG_RATIO) + 1);
}

/** Upper bound of a bucket in ms (bucket 0 holds everything up to MIN_MS). */
export function upperBound(bucket: number): number {
  return MIN_MS * RATIO ** bucket;
}

/**
 * Quantile of a bucketed distribution, interpolated linearly inside the bucket holding the rank (the same
 * estimate Prometheus's histogram_quantile makes, on much finer buckets).
 */
export function histogramQuantile(counts: ArrayLike<number>, q: number): number | undefined {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (total === 0) return undefined;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > 0 && seen + c >= rank) {
      const lower = i === 0 ? 0 : upperBound(i - 1);
      const upper = upperBound(i);
      return lower + (upper - lower) * ((rank - seen) / c);
    }
    seen += c;
  }
  return upperBound(counts.length - 1);
}

/** Nearest-rank quantile of raw values (exact). */
export function exactQuantile(values: number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}
