/**
 * From the Canary spec's `compareWithPrimary` block to the judges' options. The spec states error-rate
 * margins in percentage points (maxIncrease: 1 means 1pp) and latency margins in milliseconds, as a
 * person would write them; the judges work in proportions. This is the one place that converts.
 */
import type { PrimaryComparison } from '../../api/types.js';
import type { ErrorRateOptions, LatencyOptions } from './options.js';

export function errorRateOptionsFromSpec(metric: string, spec: PrimaryComparison): ErrorRateOptions {
  return {
    metric,
    ...(spec.alpha === undefined ? {} : { alpha: spec.alpha }),
    ...(spec.maxIncrease === undefined ? {} : { maxIncrease: spec.maxIncrease / 100 }),
    ...(spec.minSamples === undefined ? {} : { minSamples: spec.minSamples }),
  };
}

export function latencyOptionsFromSpec(metric: string, spec: PrimaryComparison): LatencyOptions {
  return {
    metric,
    ...(spec.alpha === undefined ? {} : { alpha: spec.alpha }),
    ...(spec.quantile === undefined ? {} : { quantile: spec.quantile }),
    // "maxIncrease: 50" alone means "at most 50 ms slower", not "20% and then 50 ms more".
    ...(spec.maxIncreasePercent === undefined
      ? spec.maxIncrease === undefined
        ? {}
        : { maxIncreasePercent: 0 }
      : { maxIncreasePercent: spec.maxIncreasePercent }),
    ...(spec.maxIncrease === undefined ? {} : { maxIncreaseMs: spec.maxIncrease }),
    ...(spec.minSamples === undefined ? {} : { minSamples: spec.minSamples }),
  };
}
