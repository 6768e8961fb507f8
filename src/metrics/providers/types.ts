/**
 * What a metric provider reader is: given a MetricTemplate's `provider` block, the credentials from its
 * secretRef and the metric's window, it turns one rendered query into one reading. Readers never reject
 * and never invent a number: an empty answer, NaN or ±Inf is `no-data` with the reason.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { MetricTemplate } from '../../api/types.js';
import type { MetricReading } from '../../engine/ports.js';

export type ProviderSpec = MetricTemplate['spec']['provider'];

export interface ReaderContext {
  provider: ProviderSpec;
  /** The Secret named by provider.secretRef, decoded (empty when there is none). */
  credentials: Readonly<Record<string, string>>;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Retries after the first attempt on transient failures (5xx, 429, reset connections). */
  retries: number;
  /** The cluster the controller runs in (keptn, externalmetrics); absent in a local run without one. */
  kubeConfig?: KubeConfig;
  now: () => number;
}

/**
 * `value`: the one number the query returns, over the provider's usual window (Flagger's).
 * `count`: the query counts events (a count template, ./outcomes.ts); readers of time series read exactly
 * the last `intervalMs` and add up its points, so that the count covers that window and nothing more.
 */
export type ReadMode = 'value' | 'count';

export interface ReadWindow {
  /** The metric's window (`interval`, or the time since the analysis began for compareWithPrimary). */
  intervalMs: number;
  mode: ReadMode;
}

/** How far back a time-series reader looks: Flagger's ten intervals for a value, the interval for a count. */
export function lookbackMs(window: ReadWindow): number {
  return (window.mode === 'count' ? 1 : 10) * window.intervalMs;
}

export interface MetricReader {
  read(query: string, window: ReadWindow): Promise<MetricReading>;
  /**
   * One cheap request that proves the server answers and takes the credentials (Flagger's IsOnline);
   * resolves when it does, throws an AviaryError saying what failed otherwise.
   */
  online(): Promise<void>;
}

export interface MetricProvider {
  /** How `{{ interval }}` is written in this provider's query language; default Go style (`1m`). */
  formatInterval?: (ms: number) => string;
  /** Builds a reader; throws an AviaryError naming the field or secret key at fault. */
  create(context: ReaderContext): Promise<MetricReader>;
}
