/**
 * The builtin metrics of the local runtime, read straight from the router's in-process outcome window
 * (no scrape delay). Same meaning as Flagger's builtins over Istio's destination metrics:
 * - request-success-rate: percentage of the canary's responses that were not 5xx over the interval;
 * - request-duration: the canary's p99 latency in milliseconds over the interval.
 * The router's own 502/504 for an unreachable or slow canary count as 5xx; mirrored copies count as the
 * canary's traffic (Istio's destination reporter sees them too).
 */
import { DEFAULT_METRIC_INTERVAL } from '../../api/defaults.js';
import { formatDuration, parseDuration } from '../../api/duration.js';
import type { Canary, CanaryMetric } from '../../api/types.js';
import type {
  MetricQuery,
  MetricReading,
  MetricSource,
  OutcomeReading,
  VersionSample,
} from '../../engine/ports.js';
import type { OutcomeWindow } from '../metrics/outcome-window.js';
import type { Version } from '../router/types.js';
import { BUILTIN_METRICS, isBuiltinMetric } from '../../api/builtin-metrics.js';

export interface LocalMetricSourceOptions {
  window: OutcomeWindow;
  /** The router's port, for the no-data hint (undefined while it is not listening). */
  routerPort: () => number | undefined;
  /** Latencies handed to the statistical judge per version. Default 5000 (the most recent). */
  maxLatencySamples?: number;
}

export class LocalMetricSource implements MetricSource {
  constructor(private readonly options: LocalMetricSourceOptions) {}

  private noTraffic(intervalMs: number): string {
    const port = this.options.routerPort();
    const where = port === undefined ? ' (it is not listening yet)' : ` at :${port}`;
    return `no requests reached the canary in the last ${formatDuration(Math.max(1000, Math.round(intervalMs / 1000) * 1000))} — is traffic flowing through the router${where}?`;
  }

  private unsupported(metric: CanaryMetric): string | undefined {
    if (metric.templateRef || metric.query) {
      return (
        `metric "${metric.name}" uses ${metric.templateRef ? `templateRef ${metric.templateRef.name}` : 'a query'}, ` +
        `which the local runtime's builtin source cannot run; it answers only ${BUILTIN_METRICS.join(' and ')} ` +
        '(use a Prometheus MetricTemplate that scrapes the router’s /metrics for anything else)'
      );
    }
    if (!isBuiltinMetric(metric.name)) {
      return `unknown metric "${metric.name}": the local runtime answers ${BUILTIN_METRICS.join(' and ')}; other metrics need a templateRef`;
    }
    return undefined;
  }

  async read(query: MetricQuery): Promise<MetricReading> {
    try {
      const problem = this.unsupported(query.metric);
      if (problem) return { kind: 'error', reason: problem };
      const { window } = this.options;
      const intervalMs = query.intervalMs;
      const since = window.nowMs() - intervalMs;
      const summary = window.summary('canary', since);
      if (summary.requests === 0) return { kind: 'no-data', reason: this.noTraffic(intervalMs) };
      if (query.metric.name === 'request-success-rate') {
        const value = ((summary.requests - summary.errors) / summary.requests) * 100;
        return { kind: 'value', value, samples: summary.requests };
      }
      const p99 = window.latencyQuantile('canary', 0.99, since);
      if (p99 === undefined) return { kind: 'no-data', reason: this.noTraffic(intervalMs) };
      return { kind: 'value', value: p99, samples: summary.requests };
    } catch (err) {
      return { kind: 'error', reason: `local metrics failed: ${String(err)}` };
    }
  }

  async outcomes(_canary: Canary, metric: CanaryMetric, sinceMs: number): Promise<OutcomeReading> {
    const problem = this.unsupported(metric);
    if (problem) return { kind: 'error', reason: problem };
    const { window } = this.options;
    const sample = (version: Version): VersionSample => {
      const summary = window.summary(version, sinceMs);
      return {
        requests: summary.requests,
        errors: summary.errors,
        latenciesMs: window.latencies(version, sinceMs, this.options.maxLatencySamples ?? 5000),
      };
    };
    const canary = sample('canary');
    if (canary.requests === 0) {
      const intervalMs = Math.max(0, window.nowMs() - sinceMs);
      return {
        kind: 'no-data',
        reason: this.noTraffic(intervalMs || (parseDuration(DEFAULT_METRIC_INTERVAL) ?? 60_000)),
      };
    }
    return { kind: 'outcomes', canary, primary: sample('primary') };
  }
}
