/**
 * The judges' parameters, their defaults, and the one place they are checked.
 */
import { AviaryError } from '../../errors.js';

export const DEFAULT_ALPHA = 0.05;
/** 1 percentage point of error rate. */
export const DEFAULT_MAX_ERROR_INCREASE = 0.01;
export const DEFAULT_MIN_SAMPLES = 100;
export const DEFAULT_QUANTILE = 0.99;
export const DEFAULT_MAX_LATENCY_INCREASE_PERCENT = 20;

export interface ErrorRateOptions {
  /** Name shown in the verdict. Default "error-rate". */
  readonly metric?: string;
  /** Probability of a false verdict (fail or pass) over the whole, continuously watched, analysis. Default 0.05. */
  readonly alpha?: number;
  /** Tolerated increase of the canary's error proportion over the primary's: 0.01 = 1 percentage point. Default 0.01. */
  readonly maxIncrease?: number;
  /** Canary requests needed before any verdict. Default 100. */
  readonly minSamples?: number;
}

export interface LatencyOptions {
  /** Name shown in the verdict. Default "latency". */
  readonly metric?: string;
  readonly alpha?: number;
  /** The quantile compared. Default 0.99. */
  readonly quantile?: number;
  /** Canary quantile may be this many percent above the primary's. Default 20. */
  readonly maxIncreasePercent?: number;
  /** ...plus this many milliseconds (absolute slack, useful for very fast services). Default 0. */
  readonly maxIncreaseMs?: number;
  /** Canary latency samples needed before any verdict. Default 100. */
  readonly minSamples?: number;
}

export type ResolvedErrorRateOptions = Required<ErrorRateOptions>;
export type ResolvedLatencyOptions = Required<LatencyOptions>;

function invalid(message: string): never {
  throw new AviaryError('INVALID_SPEC', message);
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha <= 0.5)) invalid(`alpha must be in (0, 0.5], got ${alpha}`);
}

function checkMinSamples(minSamples: number): void {
  if (!(Number.isInteger(minSamples) && minSamples >= 0)) {
    invalid(`minSamples must be a whole number >= 0, got ${minSamples}`);
  }
}

export function resolveErrorRateOptions(options: ErrorRateOptions = {}): ResolvedErrorRateOptions {
  const resolved = {
    metric: options.metric ?? 'error-rate',
    alpha: options.alpha ?? DEFAULT_ALPHA,
    maxIncrease: options.maxIncrease ?? DEFAULT_MAX_ERROR_INCREASE,
    minSamples: options.minSamples ?? DEFAULT_MIN_SAMPLES,
  };
  checkAlpha(resolved.alpha);
  checkMinSamples(resolved.minSamples);
  if (!(resolved.maxIncrease >= 0 && resolved.maxIncrease < 1)) {
    invalid(`maxIncrease is a proportion in [0, 1) (0.01 = 1 percentage point), got ${resolved.maxIncrease}`);
  }
  return resolved;
}

export function resolveLatencyOptions(options: LatencyOptions = {}): ResolvedLatencyOptions {
  const resolved = {
    metric: options.metric ?? 'latency',
    alpha: options.alpha ?? DEFAULT_ALPHA,
    quantile: options.quantile ?? DEFAULT_QUANTILE,
    maxIncreasePercent: options.maxIncreasePercent ?? DEFAULT_MAX_LATENCY_INCREASE_PERCENT,
    maxIncreaseMs: options.maxIncreaseMs ?? 0,
    minSamples: options.minSamples ?? DEFAULT_MIN_SAMPLES,
  };
  checkAlpha(resolved.alpha);
  checkMinSamples(resolved.minSamples);
  if (!(resolved.quantile > 0 && resolved.quantile < 1)) {
    invalid(`quantile must be in (0, 1), e.g. 0.99, got ${resolved.quantile}`);
  }
  if (!(resolved.maxIncreasePercent >= 0)) {
    invalid(`maxIncreasePercent must be >= 0, got ${resolved.maxIncreasePercent}`);
  }
  if (!(resolved.maxIncreaseMs >= 0)) invalid(`maxIncreaseMs must be >= 0, got ${resolved.maxIncreaseMs}`);
  return resolved;
}
