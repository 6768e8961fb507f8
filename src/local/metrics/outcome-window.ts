/**
 * In-process request outcomes per version, readable at once (no scrape interval, no Prometheus):
 * - one-second buckets over a fixed retention (counts per status class + a log-latency histogram), and
 * - a ring of the most recent raw latencies, for exact quantiles and for the statistical judge's samples.
 * Memory is bounded whatever the traffic: `retention / 1 s` buckets and `rawCapacity` raw entries.
 */
import type { Version } from '../router/types.js';
import { BUCKETS, bucketOf, exactQuantile, histogramQuantile } from './latency-histogram.js';

export type CodeClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';
export const CODE_CLASSES: readonly CodeClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx'];

export function codeClassOf(status: number): CodeClass {
  const cls = Math.floor(status / 100);
  return cls <= 1 ? '1xx' : cls >= 5 ? '5xx' : (`${cls}xx` as CodeClass);
}

export interface WindowSummary {
  requests: number;
  /** Responses with a 5xx status (including the router's own 502/504). */
  errors: number;
  byClass: Record<CodeClass, number>;
}

export interface OutcomeWindowOptions {
  /** How far back the window can answer. Default 30 min. */
  retentionMs?: number;
  /** Raw latencies kept per version. Default 20,000. */
  rawCapacity?: number;
  now?: () => number;
}

const BUCKET_MS = 1000;

interface Slot {
  second: number;
  classes: Uint32Array;
  latency: Uint32Array;
}

class VersionWindow {
  private readonly slots: (Slot | undefined)[];
  private readonly rawAt: Float64Array;
  private readonly rawMs: Float64Array;
  private rawNext = 0;
  private rawCount = 0;

  constructor(
    private readonly slotCount: number,
    rawCapacity: number,
  ) {
    this.slots = new Array<Slot | undefined>(slotCount);
    this.rawAt = new Float64Array(rawCapacity);
    this.rawMs = new Float64Array(rawCapacity);
  }

  record(at: number, status: number, ms: number): void {
    const second = Math.floor(at / BUCKET_MS);
    const index = second % this.slotCount;
    let slot = this.slots[index];
    if (!slot || slot.second !== second) {
      if (slot) {
        slot.second = second;
        slot.classes.fill(0);
        slot.latency.fill(0);
      } else {
        slot = { second, classes: new Uint32Array(CODE_CLASSES.length), latency: new Uint32Array(BUCKETS) };
        this.slots[index] = slot;
      }
    }
    slot.classes[CODE_CLASSES.indexOf(codeClassOf(status))]!++;
    slot.latency[bucketOf(ms)]!++;
    this.rawAt[this.rawNext] = at;
    this.rawMs[this.rawNext] = ms;
    this.rawNext = (this.rawNext + 1) % this.rawAt.length;
    this.rawCount = Math.min(this.rawCount + 1, this.rawAt.length);
  }

  private *slotsSince(sinceMs: number, nowMs: number): Generator<Slot> {
    const to = Math.floor(nowMs / BUCKET_MS);
    // Slots older than the retention are stale even if no newer second has overwritten them yet.
    const from = Math.max(Math.floor(sinceMs / BUCKET_MS), to - this.slotCount + 1);
    for (const slot of this.slots) if (slot && slot.second >= from && slot.second <= to) yield slot;
  }

  summary(sinceMs: number, nowMs: number): WindowSummary {
    const byClass = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 } as Record<CodeClass, number>;
    for (const slot of this.slotsSince(sinceMs, nowMs)) {
      CODE_CLASSES.forEach((cls, i) => (byClass[cls] += slot.classes[i]!));
    }
    const requests = CODE_CLASSES.reduce((sum, cls) => sum + byClass[cls], 0);
    return { requests, errors: byClass['5xx'], byClass };
  }

  /** Raw latencies since `sinceMs`, newest last, and whether the ring reaches back that far. */
  raw(sinceMs: number, max: number): { values: number[]; complete: boolean } {
    const values: number[] = [];
    const capacity = this.rawAt.length;
    let complete = this.rawCount < capacity;
    for (let k = 1; k <= this.rawCount; k++) {
      const i = (this.rawNext - k + capacity) % capacity;
      if (this.rawAt[i]! < sinceMs) {
        complete = true;
        break;
      }
      if (values.length === max) break;
      values.push(this.rawMs[i]!);
    }
    return { values: values.reverse(), complete: complete && values.length < max };
  }

  quantile(q: number, sinceMs: number, nowMs: number): number | undefined {
    const raw = this.raw(sinceMs, this.rawAt.length);
    if (raw.complete) return exactQuantile(raw.values, q);
    const merged = new Float64Array(BUCKETS);
    for (const slot of this.slotsSince(sinceMs, nowMs)) {
      for (let i = 0; i < BUCKETS; i++) merged[i]! += slot.latency[i]!;
    }
    return histogramQuantile(merged, q);
  }
}

export class OutcomeWindow {
  readonly retentionMs: number;
  private readonly versions: Record<Version, VersionWindow>;
  private readonly now: () => number;

  constructor(options: OutcomeWindowOptions = {}) {
    this.retentionMs = options.retentionMs ?? 30 * 60_000;
    const slots = Math.ceil(this.retentionMs / BUCKET_MS) + 1;
    const raw = options.rawCapacity ?? 20_000;
    this.versions = { primary: new VersionWindow(slots, raw), canary: new VersionWindow(slots, raw) };
    this.now = options.now ?? Date.now;
  }

  record(version: Version, status: number, latencyMs: number): void {
    this.versions[version].record(this.now(), status, latencyMs);
  }

  summary(version: Version, sinceMs: number): WindowSummary {
    return this.versions[version].summary(sinceMs, this.now());
  }

  /** Latency quantile (0-1) in ms since `sinceMs`; exact while the raw ring covers the window. */
  latencyQuantile(version: Version, q: number, sinceMs: number): number | undefined {
    return this.versions[version].quantile(q, sinceMs, this.now());
  }

  /** Up to `max` most recent raw latencies since `sinceMs`. */
  latencies(version: Version, sinceMs: number, max = 5000): number[] {
    return this.versions[version].raw(sinceMs, max).values;
  }

  nowMs(): number {
    return this.now();
  }
}
