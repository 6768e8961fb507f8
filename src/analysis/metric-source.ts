/**
 * What the analysis reads metrics through: one query's reading, the per-version request outcomes, and the
 * resolver for a metric's templateRef. Each runtime supplies a MetricSource (Prometheus and the other
 * providers on Kubernetes, the local proxy's counters locally, a scripted double in tests); the engine
 * passes it in with its other ports (src/engine/ports.ts re-exports these types).
 */
import type { Canary, CanaryMetric, MetricTemplate } from '../api/types.js';

/** One query's result. "No data" and errors are never values: they carry the reason to show the user. */
export type MetricReading =
  | { kind: 'value'; value: number; samples?: number }
  | { kind: 'no-data'; reason: string }
  | { kind: 'error'; reason: string };

/** Counts of request outcomes and latencies of one version over a window (for the statistical judge). */
export interface VersionSample {
  requests: number;
  errors: number;
  /** Latencies in milliseconds, or a bounded sample of them. */
  latenciesMs?: number[];
}

export type OutcomeReading =
  | { kind: 'outcomes'; canary: VersionSample; primary: VersionSample }
  | { kind: 'no-data'; reason: string }
  | { kind: 'error'; reason: string };

export interface MetricQuery {
  canary: Canary;
  metric: CanaryMetric;
  /** The MetricTemplate named by metric.templateRef, resolved by the caller. */
  template?: MetricTemplate;
  intervalMs: number;
}

/**
 * Whether the server a metric is read from answers (Flagger's IsOnline). `server` names the provider and
 * its address (`Prometheus at http://prometheus:9090`); an offline `reason` says what failed and what to fix.
 */
export type ProviderCheck =
  { server: string; online: true } | { server: string; online: false; reason: string };

export interface MetricSource {
  /** Runs one metric check over its interval. Must resolve (never reject) with a reading. */
  read(query: MetricQuery): Promise<MetricReading>;
  /**
   * Request outcomes of canary and primary since `sinceMs` (for compareWithPrimary checks). Sources that
   * cannot split by version (a custom template query) omit it.
   */
  outcomes?(canary: Canary, metric: CanaryMetric, sinceMs: number): Promise<OutcomeReading>;
  /**
   * Asks the server `query.metric` is read from whether it answers: one cheap request bounded by the
   * source's timeout and retries. Must resolve. Undefined when the metric has no server to ask (the local
   * router's own counters, in the same process); sources with no server at all omit the method.
   */
  online?(query: MetricQuery): Promise<ProviderCheck | undefined>;
}

/** Resolves a metric's templateRef to the MetricTemplate (Kubernetes: from the informer cache). */
export interface TemplateResolver {
  template(namespace: string, name: string): Promise<MetricTemplate | undefined>;
}
