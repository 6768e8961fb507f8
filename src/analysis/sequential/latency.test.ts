import { describe, expect, it } from 'vitest';
import { compareLatency } from './latency.js';
import { LatencyHistogram } from './latency-histogram.js';
import { quantileConfidenceSequence } from './quantile-confidence-sequence.js';
import { logNormal, mulberry32 } from './testing/random.js';

// Primary: log-normal with median 100 ms and p99 about 480 ms.
const MEDIAN = 100;
const SIGMA = 0.674;
const TRUE_P50 = MEDIAN;
const TRUE_P90 = MEDIAN * Math.exp(SIGMA * 1.2815516);

describe('quantileConfidenceSequence', () => {
  it('holds the true p50 and p90 at every look at once in at least 1 - alpha of runs', () => {
    const alpha = 0.05;
    const runs = 200;
    const missed = { p50: 0, p90: 0 };
    for (let run = 0; run < runs; run++) {
      const random = mulberry32(500 + run);
      const histogram = new LatencyHistogram();
      const miss = { p50: false, p90: false };
      for (let n = 1; n <= 2000; n++) {
        histogram.add(logNormal(random, MEDIAN, SIGMA));
        if (n % 20 !== 0) continue;
        const p50 = quantileConfidenceSequence(histogram, 0.5, alpha);
        const p90 = quantileConfidenceSequence(histogram, 0.9, alpha);
        if (TRUE_P50 < p50.lo || TRUE_P50 > p50.hi) miss.p50 = true;
        if (TRUE_P90 < p90.lo || TRUE_P90 > p90.hi) miss.p90 = true;
      }
      if (miss.p50) missed.p50++;
      if (miss.p90) missed.p90++;
    }
    expect(missed.p50 / runs).toBeLessThanOrEqual(alpha);
    expect(missed.p90 / runs).toBeLessThanOrEqual(alpha);
  });
});

/** Feeds 5 canary and 45 primary requests a second; returns the first decisive verdict's second. */
function watch(
  seed: number,
  canaryLatency: (random: () => number) => number,
  options: Parameters<typeof compareLatency>[1],
  seconds: number,
): { decision: 'pass' | 'fail' | 'inconclusive'; second: number } {
  const random = mulberry32(seed);
  const canary = new LatencyHistogram();
  const primary = new LatencyHistogram();
  for (let second = 1; second <= seconds; second++) {
    for (let i = 0; i < 5; i++) canary.add(canaryLatency(random));
    for (let i = 0; i < 45; i++) primary.add(logNormal(random, MEDIAN, SIGMA));
    const { decision } = compareLatency({ canary, primary }, options);
    if (decision !== 'inconclusive') return { decision, second };
  }
  return { decision: 'inconclusive', second: seconds };
}

describe('compareLatency', () => {
  it('fails a canary that adds 50 ms to every request within a minute at p50 (+20% allowed)', () => {
    const outcomes = Array.from({ length: 30 }, (_, run) =>
      watch(run + 1, (r) => 50 + logNormal(r, MEDIAN, SIGMA), { quantile: 0.5, maxIncreasePercent: 20 }, 300),
    );
    expect(outcomes.every((o) => o.decision === 'fail')).toBe(true);
    const seconds = outcomes.map((o) => o.second).sort((a, b) => a - b);
    expect(seconds[15]).toBeLessThanOrEqual(60);
  });

  it('fails a canary whose p99 doubles', () => {
    const outcome = watch(
      3,
      (r) => 2 * logNormal(r, MEDIAN, SIGMA),
      { quantile: 0.99, maxIncreasePercent: 20 },
      1200,
    );
    expect(outcome.decision).toBe('fail');
  });

  it('rarely fails an identical canary however often it looks, even with no margin', () => {
    const alpha = 0.05;
    const runs = 200;
    let fails = 0;
    for (let run = 0; run < runs; run++) {
      const random = mulberry32(9000 + run);
      const canary = new LatencyHistogram();
      const primary = new LatencyHistogram();
      for (let look = 1; look <= 60; look++) {
        for (let i = 0; i < 50; i++) canary.add(logNormal(random, MEDIAN, SIGMA));
        for (let i = 0; i < 50; i++) primary.add(logNormal(random, MEDIAN, SIGMA));
        const { decision } = compareLatency({ canary, primary }, { quantile: 0.5, maxIncreasePercent: 0 });
        if (decision === 'fail') {
          fails++;
          break;
        }
      }
    }
    expect(fails / runs).toBeLessThanOrEqual(alpha);
  });

  it('passes a canary 5% slower than the primary when 20% is allowed', () => {
    const outcome = watch(
      11,
      (r) => 1.05 * logNormal(r, MEDIAN, SIGMA),
      { quantile: 0.5, maxIncreasePercent: 20 },
      600,
    );
    expect(outcome.decision).toBe('pass');
  });

  it('explains a verdict with both quantiles, their intervals, sample sizes and the allowance', () => {
    const random = mulberry32(5);
    const canary = Array.from({ length: 400 }, () => 2 * logNormal(random, MEDIAN, SIGMA));
    const primary = Array.from({ length: 3600 }, () => logNormal(random, MEDIAN, SIGMA));
    const verdict = compareLatency({ canary, primary }, { quantile: 0.5 });
    expect(verdict.decision).toBe('fail');
    expect(verdict.message).toMatch(
      /^latency p50 canary \d+ ms \[\d+ ms, \d+ ms\] \(n=400\) vs primary [\d.]+ ms \[[\d.]+ ms, \d+ ms\] \(n=3600\): ratio CI \[\d\.\d\d, \d\.\d\d\] is above the allowed \+20% at alpha 0\.05 -> fail$/,
    );
  });

  it('is inconclusive for a starved canary, and for NaN or empty samples', () => {
    const primary = Array.from({ length: 1000 }, (_, i) => 100 + (i % 50));
    const starved = compareLatency({ canary: [120, 130], primary, elapsedMs: 60_000 });
    expect(starved).toMatchObject({ decision: 'inconclusive', reason: 'not-enough-samples' });
    expect(starved.message).toBe(
      'not enough traffic: 2 requests in 1m, need 100 — add a load-test webhook or lower minSamples',
    );
    const withNaN = compareLatency({ canary: [...primary.slice(0, 200), Number.NaN], primary });
    expect(withNaN).toMatchObject({ decision: 'inconclusive', reason: 'invalid-input' });
    expect(compareLatency({ canary: [], primary: [] }, { minSamples: 0 })).toMatchObject({
      decision: 'inconclusive',
      reason: 'no-data',
    });
    expect(compareLatency({ canary: primary, primary: [] })).toMatchObject({
      decision: 'inconclusive',
      reason: 'no-data',
    });
  });
});
