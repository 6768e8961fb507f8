/**
 * The event for a metric check that crossed its threshold, worded as Flagger words it
 * (pkg/controller/scheduler_metrics.go), so alert filters written for Flagger's events keep matching:
 * `Halt podinfo.test advancement success rate 88.88% < 99%`, `... request duration 1.2s > 500ms`,
 * `... <metric> 12.34 > 10`. Anything else (no data, a failed query, a hook, the sequential judge) keeps
 * Aviary's own reason, which says more than Flagger would.
 */
import { thresholdBounds } from '../analysis/threshold.js';
import type { CanaryMetric, CheckResult } from '../api/types.js';
import { messages } from './messages.js';

/** A whole number of milliseconds as Go's time.Duration prints it: 0s, 612ms, 1.2s, 1m30s, 1h0m0s. */
export function goDuration(ms: number): string {
  const whole = Math.trunc(ms);
  if (whole === 0) return '0s';
  if (whole < 0) return `-${goDuration(-whole)}`;
  if (whole < 1000) return `${whole}ms`;
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor((whole % 3_600_000) / 60_000);
  const seconds = `${(whole % 60_000) / 1000}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

/** What Flagger shows for the metric's value and bound (Go's %.2f and %v). */
function shown(metric: string, value: number, bound: number): [string, string, string] {
  if (metric === 'request-success-rate') return ['success rate', `${value.toFixed(2)}%`, `${bound}%`];
  // Flagger truncates both to whole milliseconds before printing them as durations.
  if (metric === 'request-duration') return ['request duration', goDuration(value), goDuration(bound)];
  return [metric, value.toFixed(2), String(bound)];
}

export function metricHalt(name: string, check: CheckResult, metrics: CanaryMetric[]): string {
  const metric = metrics.find((m) => m.name === check.name);
  const { value } = check;
  if (!metric || metric.compareWithPrimary || check.final || value === undefined) {
    return messages.halt(name, check.message);
  }
  const { min, max } = thresholdBounds(metric);
  const crossed: ['<' | '>', number] | undefined =
    min !== undefined && value < min ? ['<', min] : max !== undefined && value > max ? ['>', max] : undefined;
  if (!crossed) return messages.halt(name, check.message);
  const [what, got, bound] = shown(metric.name, value, crossed[1]);
  return `Halt ${name} advancement ${what} ${got} ${crossed[0]} ${bound}`;
}
