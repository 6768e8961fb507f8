/**
 * Benchmark: how fast does a bad canary get rolled back, and how often is a good one rolled back,
 * under Flagger's interval checks vs Aviary's sequential judge. Run: npx tsx bench/analysis/run.ts
 *
 * SIMULATION ONLY: simulated time, seeded PRNG, no HTTP, no processes, no Prometheus.
 */
import {
  aviaryErrorRate,
  aviaryLatency,
  flaggerRequestDuration,
  flaggerSuccessRate,
  type PolicyFactory,
} from './policies.js';
import {
  AA_HORIZON_S,
  AA_RUNS,
  CANARY_WEIGHT,
  errorScenario,
  FRR_TARGET,
  latencyScenario,
  MEDIAN_MS,
  quantileOfTimes,
  REGRESSION_HORIZON_S,
  REGRESSION_RUNS,
  RPS,
  share,
  SIGMA,
  Z99,
} from './scenarios.js';
import { type RunOutcome, type Scenario, simulate } from './simulate.js';

interface Row {
  name: string;
  flagger: boolean;
  regression: RunOutcome[];
  aa: RunOutcome[];
}

function seconds(s: number, horizon: number): string {
  if (!Number.isFinite(s)) return `>${horizon / 60}m`;
  return s < 120 ? `${s}s` : `${(s / 60).toFixed(1)}m`;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
}

function runSection(
  title: string,
  regression: Scenario,
  aa: Scenario,
  flaggers: PolicyFactory[],
  aviaries: PolicyFactory[],
  seed: number,
): void {
  const all = [...flaggers, ...aviaries];
  const regressionOutcomes = simulate(regression, all, REGRESSION_RUNS, seed);
  const aaOutcomes = simulate(aa, all, AA_RUNS, seed + 1_000_000);
  const rows: Row[] = all.map((make, i) => ({
    name: make().name,
    flagger: i < flaggers.length,
    regression: regressionOutcomes[i] ?? [],
    aa: aaOutcomes[i] ?? [],
  }));

  // The best Flagger setting: fastest median rollback among those whose A/A false-rollback rate is
  // within the target; if none is, the one with the fewest false rollbacks (and we say so).
  const flaggerRows = rows.filter((r) => r.flagger);
  const eligible = flaggerRows.filter((r) => share(r.aa, 'rollback') <= FRR_TARGET);
  const byMedian = (a: Row, b: Row): number =>
    quantileOfTimes(a.regression, 0.5) - quantileOfTimes(b.regression, 0.5);
  const best =
    eligible.sort(byMedian)[0] ??
    [...flaggerRows].sort((a, b) => share(a.aa, 'rollback') - share(b.aa, 'rollback'))[0];
  const bestMedian = best ? quantileOfTimes(best.regression, 0.5) : Number.NaN;

  console.log(`\n== ${title}`);
  const widths = [66, 9, 9, 9, 9, 14, 10];
  console.log(
    pad(['policy', 'rollback', 'rollback', 'rolled', 'promoted', 'A/A false', 'speed-up vs'], widths),
  );
  console.log(pad(['', 'median', 'p90', 'back', '(missed)', 'rollbacks', 'best Flagger'], widths));
  for (const row of rows) {
    const median = quantileOfTimes(row.regression, 0.5);
    const frr = share(row.aa, 'rollback');
    const falseCount = row.aa.filter((o) => o.action === 'rollback').length;
    const speedUp =
      row === best
        ? '(best)'
        : row.flagger
          ? ''
          : Number.isFinite(median)
            ? `${(bestMedian / median).toFixed(1)}x`
            : 'n/a';
    console.log(
      pad(
        [
          row.name,
          seconds(median, regression.horizonSeconds),
          seconds(quantileOfTimes(row.regression, 0.9), regression.horizonSeconds),
          pct(share(row.regression, 'rollback')),
          pct(share(row.regression, 'promote')),
          `${pct(frr)} (${falseCount}/${row.aa.length})`,
          speedUp,
        ],
        widths,
      ),
    );
  }
  const bestNote =
    best && eligible.includes(best)
      ? `best Flagger setting = fastest with A/A false rollbacks <= ${pct(FRR_TARGET)}: "${best.name}"`
      : `no Flagger setting keeps A/A false rollbacks <= ${pct(FRR_TARGET)}; ratios are against the one with the fewest: "${best?.name ?? '-'}"`;
  console.log(`   ${bestNote}`);
}

const started = Date.now();
console.log(
  'Aviary analysis benchmark — SIMULATION: simulated time, seeded PRNG (mulberry32), no real HTTP,',
);
console.log(
  'no processes, no Prometheus. Real-process numbers come from a separate benchmark in the local runtime',
);
console.log('(bench/analysis/local.ts, see README.md).');
console.log(
  `Traffic: ${RPS} req/s, canary weight ${CANARY_WEIGHT * 100}% -> ${RPS * CANARY_WEIGHT} req/s canary, ${RPS * (1 - CANARY_WEIGHT)} req/s primary.`,
);
console.log(
  `Regression: ${REGRESSION_RUNS} runs, each watched up to ${REGRESSION_HORIZON_S / 60} min; "promoted" = the judge passed the bad canary (the run ends).`,
);
console.log(
  `A/A: ${AA_RUNS} runs of a ${AA_HORIZON_S / 60}-min analysis, canary identical to primary; Aviary keeps looking every second for the`,
);
console.log('whole 10 min even after it would have promoted (600 looks; only adds false rollbacks).');
console.log(
  'Flagger rolls back at the tick after the threshold-th failed check (failedChecks never resets);',
);
console.log(
  'Aviary rolls back at the first evaluation whose verdict is fail, using cumulative counts since the canary started.',
);

runSection(
  'Error rate: canary 5% errors vs primary 0.1% (regression); A/A both 0.1%',
  errorScenario(0.05, REGRESSION_HORIZON_S, true),
  errorScenario(0.001, AA_HORIZON_S, false),
  [
    flaggerSuccessRate(60, 5),
    flaggerSuccessRate(10, 1),
    flaggerSuccessRate(10, 5),
    // bench/flagger's "fastest honest" setting: 10 s interval, the metric over 1m, threshold 2.
    flaggerSuccessRate(10, 2, 99, 60),
  ],
  [
    aviaryErrorRate('Aviary error-rate, margin 1pp, alpha 0.05, every 1s', {
      maxIncrease: 0.01,
      alpha: 0.05,
    }),
    aviaryErrorRate('Aviary error-rate, margin 1pp, alpha 0.01, every 1s', {
      maxIncrease: 0.01,
      alpha: 0.01,
    }),
  ],
  1,
);

const p99 = MEDIAN_MS * Math.exp(SIGMA * Z99);
console.log(
  `\nLatency model: log-normal, median ${MEDIAN_MS} ms, p99 ${p99.toFixed(0)} ms; regressed canary = +50 ms on every request:`,
);
console.log(
  `p50 ${MEDIAN_MS} -> ${MEDIAN_MS + 50} ms (+50%), p99 ${p99.toFixed(0)} -> ${(p99 + 50).toFixed(0)} ms (+${((50 / p99) * 100).toFixed(1)}%), crossing Flagger's 500 ms.`,
);
runSection(
  'Latency: canary +50 ms on every request (regression); A/A identical',
  latencyScenario(true, REGRESSION_HORIZON_S, true),
  latencyScenario(false, AA_HORIZON_S, false),
  [flaggerRequestDuration(60, 5), flaggerRequestDuration(10, 1), flaggerRequestDuration(10, 5)],
  [
    aviaryLatency('Aviary latency p50 <= primary +20%, alpha 0.05, every 1s', {
      quantile: 0.5,
      maxIncreasePercent: 20,
    }),
    aviaryLatency('Aviary latency p99 <= primary +5%, alpha 0.05, every 1s', {
      quantile: 0.99,
      maxIncreasePercent: 5,
    }),
    aviaryLatency('Aviary latency p99 <= primary +20% (defaults), every 1s', {
      quantile: 0.99,
      maxIncreasePercent: 20,
    }),
  ],
  2,
);

console.log(`
Notes
- Error rate: Aviary runs its defaults (1pp margin, minSamples 100): "fail when the canary is surely more than
  1 percentage point worse than the primary running beside it". No tuning to this scenario.
- Latency: Flagger's "p99 <= 500 ms" sits 4% above this primary's 480 ms p99, so it reacts to +50 ms but also
  to the noise of 3 slow requests a minute; its A/A rate above is what that costs. Aviary's honest equivalents:
  * p50 +20%: the regression adds 50 ms to every request, so the median moves +50% and 5 req/s suffice.
    It would NOT see a regression confined to the slowest 1% of requests.
  * p99 +5%: the same tolerance as Flagger's 500 ms, on the tail. The tail is 1% of 5 req/s = 3 requests a
    minute, so an anytime-valid p99 comparison needs far more than 30 minutes to separate 530 from 504 ms.
  * p99 +20% (defaults): +10% at p99 is inside a 20% tolerance, so the judge may promote; by design.
- alpha bounds the probability of a false fail over the whole analysis, however often Aviary looks; with an
  A/A canary and a 1pp margin the true difference is far from the margin, so observed rates are far below alpha.
Runtime: ${((Date.now() - started) / 1000).toFixed(1)} s`);
