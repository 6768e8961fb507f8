/**
 * Judges one metric reading against the metric's threshold range. "No data", query errors and NaN are
 * failures with their reason, never passes; too few samples is inconclusive (hold, do not judge).
 */
import type { CanaryMetric, CheckResult } from '../api/types.js';
import type { MetricReading } from './metric-source.js';

export interface Bounds {
  min?: number;
  max?: number;
}

/**
 * thresholdRange wins; the deprecated `threshold` is a minimum for request-success-rate and a maximum for
 * every other metric (Flagger).
 */
export function thresholdBounds(metric: CanaryMetric): Bounds {
  const range = metric.thresholdRange;
  if (range && (range.min !== undefined || range.max !== undefined))
    return { min: range.min, max: range.max };
  if (metric.threshold === undefined) return {};
  return metric.name === 'request-success-rate' ? { min: metric.threshold } : { max: metric.threshold };
}

export function formatBounds(bounds: Bounds): string | undefined {
  const parts: string[] = [];
  if (bounds.min !== undefined) parts.push(`>= ${bounds.min}`);
  if (bounds.max !== undefined) parts.push(`<= ${bounds.max}`);
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

/** Two decimals unless the number is whole, as Flagger prints values in its events. */
export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

export function notEnoughTrafficMessage(samples: number, interval: string, minSamples: number): string {
  return `not enough traffic: ${samples} requests in ${interval}, need ${minSamples} — add a load-test webhook or lower minSamples`;
}

export function judgeReading(metric: CanaryMetric, reading: MetricReading, interval: string): CheckResult {
  const bounds = thresholdBounds(metric);
  const threshold = formatBounds(bounds);
  const base = { name: metric.name, ...(threshold ? { threshold } : {}) };
  if (reading.kind === 'no-data') {
    return {
      ...base,
      decision: 'fail',
      message: `no data for ${metric.name} over ${interval}: ${reading.reason}`,
    };
  }
  if (reading.kind === 'error') {
    return { ...base, decision: 'fail', message: `query for ${metric.name} failed: ${reading.reason}` };
  }
  const { value, samples } = reading;
  const counted = samples === undefined ? {} : { samples };
  if (!Number.isFinite(value)) {
    return {
      ...base,
      ...counted,
      decision: 'fail',
      message: `${metric.name} returned ${value}, not a number to judge`,
    };
  }
  if (metric.minSamples !== undefined && samples !== undefined && samples < metric.minSamples) {
    return {
      ...base,
      ...counted,
      value,
      decision: 'inconclusive',
      message: notEnoughTrafficMessage(samples, interval, metric.minSamples),
    };
  }
  const shown = formatValue(value);
  if (bounds.min !== undefined && value < bounds.min) {
    return {
      ...base,
      ...counted,
      value,
      decision: 'fail',
      message: `${metric.name} ${shown} < ${bounds.min}`,
    };
  }
  if (bounds.max !== undefined && value > bounds.max) {
    return {
      ...base,
      ...counted,
      value,
      decision: 'fail',
      message: `${metric.name} ${shown} > ${bounds.max}`,
    };
  }
  const message = threshold
    ? `${metric.name} ${shown} ${threshold}`
    : `${metric.name} ${shown} (no threshold set: recorded, not judged)`;
  return { ...base, ...counted, value, decision: 'pass', message };
}
