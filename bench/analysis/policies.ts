/**
 * The rollback policies the benchmark races: Flagger's interval checks and Aviary's sequential judge.
 * Each sees one second of traffic at a time and answers whether it would roll back now, promote now,
 * or keep going.
 */
import {
  compareErrorRates,
  compareLatency,
  type ErrorRateOptions,
  LatencyHistogram,
  type LatencyOptions,
} from '../../src/analysis/sequential/index.js';

/** One simulated second of traffic for one version. */
export interface SecondOfTraffic {
  readonly requests: number;
  readonly errors: number;
  readonly latenciesMs: readonly number[];
}

export type Action = 'rollback' | 'promote' | 'continue';

export interface Policy {
  readonly name: string;
  observe(second: number, canary: SecondOfTraffic, primary: SecondOfTraffic): Action;
}

export type PolicyFactory = () => Policy;

/**
 * Flagger's analysis loop (pkg/controller/scheduler.go as summarised in the reference): every
 * `intervalS` it first rolls back if failedChecks >= threshold, else runs the metric query over the last
 * interval and increments failedChecks when it is out of range. failedChecks never resets on a good
 * check. So the rollback happens one tick after the threshold-th failed check. Each check reads the last
 * `windowS` seconds (the metric's own `interval`), by default the analysis interval.
 */
function flagger(
  name: string,
  intervalS: number,
  threshold: number,
  checkFails: (window: SecondOfTraffic[]) => boolean,
  windowS = intervalS,
): PolicyFactory {
  return () => {
    let failedChecks = 0;
    const window: SecondOfTraffic[] = [];
    return {
      name,
      observe(second, canary) {
        window.push(canary);
        if (window.length > windowS) window.shift();
        if (second % intervalS !== 0) return 'continue';
        if (failedChecks >= threshold) return 'rollback';
        if (checkFails(window)) failedChecks++;
        return 'continue';
      },
    };
  };
}

const label = (seconds: number) => (seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`);

/**
 * Builtin request-success-rate: 100 * (1 - errors/requests) >= minPercent over the last `windowS` seconds;
 * no data counts as a failure.
 */
export function flaggerSuccessRate(
  intervalS: number,
  threshold: number,
  minPercent = 99,
  windowS = intervalS,
): PolicyFactory {
  const over = windowS === intervalS ? '' : ` over ${label(windowS)}`;
  return flagger(
    `Flagger success-rate >= ${minPercent}${over}, ${label(intervalS)} interval, threshold ${threshold}`,
    intervalS,
    threshold,
    (window) => {
      const requests = window.reduce((sum, s) => sum + s.requests, 0);
      const errors = window.reduce((sum, s) => sum + s.errors, 0);
      return requests === 0 || 100 * (1 - errors / requests) < minPercent;
    },
    windowS,
  );
}

/**
 * Builtin request-duration: histogram_quantile(0.99, ...) <= maxMs. With Istio's default buckets
 * (..., 250, 500, 1000, ...) the estimate lands above 500 exactly when more than 1% of the window's
 * requests took longer than 500 ms, whatever the interpolation inside the bucket; that is what we count.
 */
export function flaggerRequestDuration(intervalS: number, threshold: number, maxMs = 500): PolicyFactory {
  return flagger(
    `Flagger request-duration p99 <= ${maxMs} ms, ${label(intervalS)} interval, threshold ${threshold}`,
    intervalS,
    threshold,
    (window) => {
      let total = 0;
      let slow = 0;
      for (const s of window) {
        total += s.latenciesMs.length;
        for (const ms of s.latenciesMs) if (ms > maxMs) slow++;
      }
      return total === 0 || slow > 0.01 * total;
    },
  );
}

/** Aviary's error-rate judge on cumulative counts, asked every second. */
export function aviaryErrorRate(name: string, options: ErrorRateOptions): PolicyFactory {
  return () => {
    const canary = { requests: 0, errors: 0 };
    const primary = { requests: 0, errors: 0 };
    return {
      name,
      observe(_second, c, p) {
        canary.requests += c.requests;
        canary.errors += c.errors;
        primary.requests += p.requests;
        primary.errors += p.errors;
        const { decision } = compareErrorRates({ canary, primary }, options);
        return decision === 'fail' ? 'rollback' : decision === 'pass' ? 'promote' : 'continue';
      },
    };
  };
}

/** Aviary's latency judge on cumulative histograms, asked every second. */
export function aviaryLatency(name: string, options: LatencyOptions): PolicyFactory {
  return () => {
    const canary = new LatencyHistogram();
    const primary = new LatencyHistogram();
    return {
      name,
      observe(_second, c, p) {
        for (const ms of c.latenciesMs) canary.add(ms);
        for (const ms of p.latenciesMs) primary.add(ms);
        const { decision } = compareLatency({ canary, primary }, options);
        return decision === 'fail' ? 'rollback' : decision === 'pass' ? 'promote' : 'continue';
      },
    };
  };
}
