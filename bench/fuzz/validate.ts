/**
 * Fuzzes the manifest validator with 10,000 documents (fixed seed) and prints one table: documents,
 * crashes, promise violations, the slowest document and the peak RSS.
 *
 *   npx tsx bench/fuzz/validate.ts [--count 10000] [--seed 15] [--show 10]
 */
import { parseArgs } from 'node:util';
import { fuzzCases } from '../../test/fuzz/generate.js';
import { runCase } from '../../test/fuzz/oracle.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '15' },
    show: { type: 'string', default: '10' },
  },
});
const count = Number(values.count);
const seed = Number(values.seed);
const show = Number(values.show);

let crashes = 0;
let violating = 0;
let maxMs = 0;
let slowest = '';
let maxRss = process.memoryUsage().rss;
let totalMs = 0;
const crashKinds = new Map<string, number>();
const examples: string[] = [];
const started = performance.now();

for (const c of fuzzCases({ seed, count })) {
  const outcome = runCase(c.text);
  totalMs += outcome.ms;
  if (outcome.ms > maxMs) [maxMs, slowest] = [outcome.ms, `#${c.index} ${c.label}`];
  maxRss = Math.max(maxRss, process.memoryUsage().rss);
  if (outcome.crash) {
    crashes++;
    const kind = outcome.crash.slice(0, 80);
    crashKinds.set(kind, (crashKinds.get(kind) ?? 0) + 1);
    if (examples.length < show)
      examples.push(`crash #${c.index} (${c.label.slice(0, 100)}): ${outcome.crash}`);
  }
  if (outcome.violations.length > 0) {
    violating++;
    if (examples.length < show)
      examples.push(`violation #${c.index} (${c.label.slice(0, 100)}): ${outcome.violations[0]}`);
  }
}

const wall = (performance.now() - started) / 1000;
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
console.log(`seed ${seed}, ${wall.toFixed(1)} s wall\n`);
console.log('| documents | crashes | violations | mean ms | max ms | max RSS MiB |');
console.log('|---:|---:|---:|---:|---:|---:|');
console.log(
  `| ${count} | ${crashes} | ${violating} | ${(totalMs / count).toFixed(2)} | ${maxMs.toFixed(0)} | ${mb(maxRss)} |`,
);
console.log(`\nslowest: ${slowest.slice(0, 160)}`);
for (const [kind, n] of crashKinds) console.log(`${n} x ${kind}`);
for (const line of examples) console.log(line.slice(0, 300));
