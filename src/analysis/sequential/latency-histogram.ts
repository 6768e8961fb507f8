/**
 * A log-bucket latency histogram with a fixed memory bound (about 9 KB), whatever the traffic.
 *
 * Bucket i covers [MIN_MS * g^i, MIN_MS * g^(i+1)) with g = (1 + 1%) / (1 - 1%), so any value is known
 * to within 1% (the DDSketch construction, Masson et al. 2019). Values below MIN_MS share one bucket
 * [0, MIN_MS); values above MAX_MS share one bucket [MAX_MS, ∞). Order statistics come back as the
 * bucket's edges {lo, hi}, so a judge that uses `lo` for lower bounds and `hi` for upper bounds stays
 * conservative: bucketing can widen its intervals but never make them wrong.
 */

const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** 1 microsecond. */
export const MIN_MS = 0.001;
/** 1 hour. */
export const MAX_MS = 3_600_000;
const LOG_BUCKETS = Math.ceil(Math.log(MAX_MS / MIN_MS) / LOG_GAMMA);
/** Slot 0: [0, MIN_MS); slots 1..LOG_BUCKETS: log buckets; last slot: [MAX_MS, ∞). */
const SLOTS = LOG_BUCKETS + 2;

function slotOf(ms: number): number {
  if (ms < MIN_MS) return 0;
  if (ms >= MAX_MS) return SLOTS - 1;
  return 1 + Math.min(LOG_BUCKETS - 1, Math.floor(Math.log(ms / MIN_MS) / LOG_GAMMA));
}

function slotLow(slot: number): number {
  if (slot === 0) return 0;
  if (slot === SLOTS - 1) return MAX_MS;
  return MIN_MS * Math.exp((slot - 1) * LOG_GAMMA);
}

function slotHigh(slot: number): number {
  if (slot === 0) return MIN_MS;
  if (slot === SLOTS - 1) return Number.POSITIVE_INFINITY;
  return Math.min(MAX_MS, MIN_MS * Math.exp(slot * LOG_GAMMA));
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(SLOTS);
  private total = 0;
  private rejectedCount = 0;
  private lowest = SLOTS;
  private highest = -1;

  /** Builds a histogram from raw latencies in milliseconds. */
  static of(latenciesMs: Iterable<number>): LatencyHistogram {
    const histogram = new LatencyHistogram();
    for (const ms of latenciesMs) histogram.add(ms);
    return histogram;
  }

  /** Records `count` requests that took `ms` milliseconds. NaN, infinite or negative values are counted as rejected. */
  add(ms: number, count = 1): void {
    if (!Number.isFinite(ms) || ms < 0) {
      this.rejectedCount += count;
      return;
    }
    this.addSlot(slotOf(ms), count);
  }

  /** Adds every observation of `other` (e.g. per-pod histograms into one). */
  merge(other: LatencyHistogram): void {
    for (let slot = other.lowest; slot <= other.highest; slot++) {
      const n = other.counts[slot] ?? 0;
      if (n > 0) this.addSlot(slot, n);
    }
    this.rejectedCount += other.rejectedCount;
  }

  private addSlot(slot: number, n: number): void {
    this.counts[slot] = (this.counts[slot] ?? 0) + n;
    this.total += n;
    if (slot < this.lowest) this.lowest = slot;
    if (slot > this.highest) this.highest = slot;
  }

  /** Accepted observations. */
  get count(): number {
    return this.total;
  }

  /** Observations refused because they were not finite, non-negative numbers. */
  get rejected(): number {
    return this.rejectedCount;
  }

  /**
   * The k-th smallest observation (1-based) for each k in `ranks`, as the edges of the bucket holding it.
   * One pass over the occupied buckets answers all ranks. Ranks outside 1..count give
   * {lo: 0, hi: 0} below and {lo: ∞, hi: ∞} above, the natural limits for a bound.
   */
  orderStatistics(ranks: readonly number[]): { lo: number; hi: number }[] {
    const order = ranks.map((_, i) => i).sort((x, y) => (ranks[x] ?? 0) - (ranks[y] ?? 0));
    const result: { lo: number; hi: number }[] = ranks.map(() => ({ lo: 0, hi: 0 }));
    let next = 0;
    while (next < order.length && (ranks[order[next] ?? 0] ?? 0) < 1) next++;
    let seen = 0;
    for (let slot = this.lowest; slot <= this.highest && next < order.length; slot++) {
      seen += this.counts[slot] ?? 0;
      while (next < order.length && (ranks[order[next] ?? 0] ?? 0) <= seen) {
        result[order[next] ?? 0] = { lo: slotLow(slot), hi: slotHigh(slot) };
        next++;
      }
    }
    for (; next < order.length; next++) {
      result[order[next] ?? 0] = { lo: Number.POSITIVE_INFINITY, hi: Number.POSITIVE_INFINITY };
    }
    return result;
  }

  /** Point estimate of the q-quantile (geometric middle of its bucket, within 1%); NaN when empty. */
  quantile(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.min(this.total, Math.max(1, Math.ceil(q * this.total)));
    const [bucket] = this.orderStatistics([rank]);
    if (!bucket) return Number.NaN;
    if (bucket.lo === 0) return bucket.hi / 2;
    if (!Number.isFinite(bucket.hi)) return bucket.lo;
    return Math.sqrt(bucket.lo * bucket.hi);
  }
}
