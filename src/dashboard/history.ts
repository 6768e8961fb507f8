/**
 * What the charts draw: a bounded history per canary, kept in memory from the snapshots the dashboard
 * collects. A sample is kept only when something shown changed (phase, weight, observed share, a check's
 * verdict or value), so a quiet canary costs one sample, not one per poll. Every bound is a count: the
 * samples and events per canary, the canaries, the checks per sample; the oldest goes first.
 */
import { canaryKey, type CanaryView, type DashboardSnapshot, type EventView } from './types.js';

export interface CheckPoint {
  /** Decision: pass | fail | inconclusive. */
  d: string;
  /** The canary's value. */
  v?: number;
  /** The primary's value (compared metrics). */
  p?: number;
}

export interface HistorySample {
  /** Epoch milliseconds. */
  t: number;
  phase?: string;
  weight?: number;
  /** Observed canary share of requests, percent. */
  share?: number;
  checks: Record<string, CheckPoint>;
}

export interface CanaryHistory {
  samples: HistorySample[];
  /** Oldest first. */
  events: EventView[];
}

export interface HistoryLimits {
  /** Samples per canary (default 360: half an hour of 5-second changes, six hours of one-minute analyses). */
  samples?: number;
  /** Events per canary (default 100). */
  events?: number;
  /** Canaries tracked (default 1000); past it the canary seen least recently is dropped. */
  canaries?: number;
  /** Checks per sample (default 20). */
  checks?: number;
}

export class HistoryStore {
  private readonly canaries = new Map<string, CanaryHistory>();
  private readonly limits: Required<HistoryLimits>;

  constructor(limits: HistoryLimits = {}) {
    this.limits = { samples: 360, events: 100, canaries: 1000, checks: 20, ...limits };
  }

  get size(): number {
    return this.canaries.size;
  }

  get(key: string): CanaryHistory | undefined {
    return this.canaries.get(key);
  }

  /** Adds what `snapshot` shows; canaries no longer listed are forgotten. A failed snapshot changes nothing. */
  record(snapshot: DashboardSnapshot): void {
    if (snapshot.error) return;
    const t = Date.parse(snapshot.generatedAt);
    const listed = new Set<string>();
    for (const canary of snapshot.canaries) {
      const key = canaryKey(canary);
      listed.add(key);
      let history = this.canaries.get(key);
      if (history) this.canaries.delete(key); // re-inserted below: the map's order is recency
      history ??= { samples: [], events: [] };
      this.canaries.set(key, history);
      this.addSample(history, { t, ...this.sampleOf(canary) });
      if (!canary.eventsError) this.addEvents(history, canary.events);
    }
    for (const key of [...this.canaries.keys()]) if (!listed.has(key)) this.canaries.delete(key);
    while (this.canaries.size > this.limits.canaries) {
      this.canaries.delete(this.canaries.keys().next().value!);
    }
  }

  private sampleOf(canary: CanaryView): Omit<HistorySample, 't'> {
    const checks: Record<string, CheckPoint> = {};
    for (const check of canary.lastChecks.slice(0, this.limits.checks)) {
      checks[check.name] = {
        d: check.decision,
        ...(check.value === undefined ? {} : { v: check.value }),
        ...(check.primaryValue === undefined ? {} : { p: check.primaryValue }),
      };
    }
    const share = canary.observedTraffic?.canaryShare;
    return {
      ...(canary.phase ? { phase: canary.phase } : {}),
      ...(canary.canaryWeight === undefined ? {} : { weight: canary.canaryWeight }),
      ...(share === undefined ? {} : { share }),
      checks,
    };
  }

  private addSample(history: CanaryHistory, sample: HistorySample): void {
    const last = history.samples[history.samples.length - 1];
    if (last && sameShown(last, sample)) return;
    history.samples.push(sample);
    if (history.samples.length > this.limits.samples) history.samples.shift();
  }

  private addEvents(history: CanaryHistory, events: readonly EventView[]): void {
    const id = (e: EventView) => `${e.time ?? ''}|${e.type}|${e.reason}|${e.message}`;
    const known = new Set(history.events.map(id));
    const fresh = events.filter((e) => !known.has(id(e)));
    if (fresh.length === 0) return;
    history.events.push(...fresh);
    history.events.sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''));
    if (history.events.length > this.limits.events) {
      history.events.splice(0, history.events.length - this.limits.events);
    }
  }
}

function sameShown(a: HistorySample, b: HistorySample): boolean {
  return (
    a.phase === b.phase &&
    a.weight === b.weight &&
    a.share === b.share &&
    JSON.stringify(a.checks) === JSON.stringify(b.checks)
  );
}
