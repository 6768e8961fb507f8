/**
 * Turns a cumulative latency histogram (count per `le` bound over a window) into a bounded sample of latencies
 * for the statistical judge. Values are spread evenly inside each bucket, the same assumption
 * histogram_quantile() makes, so quantiles of the sample agree with Prometheus's own.
 */
export const MAX_LATENCY_SAMPLE = 1000;

export function latencySample(
  buckets: readonly { le: number; count: number }[],
  toMs: number,
  max = MAX_LATENCY_SAMPLE,
): number[] {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0) return [];
  const scale = total > max ? max / total : 1;
  const out: number[] = [];
  let lower = 0;
  let below = 0;
  for (const { le, count } of sorted) {
    const inBucket = Math.max(0, count - below);
    const n = Math.round(inBucket * scale);
    for (let j = 0; j < n; j++) {
      // The +Inf bucket has no upper bound: its requests are at least the last finite bound.
      const value = Number.isFinite(le) ? lower + ((le - lower) * (j + 0.5)) / n : lower;
      out.push(value * toMs);
    }
    below = Math.max(below, count);
    if (Number.isFinite(le)) lower = le;
  }
  return out;
}
