/**
 * Benchmark: what the dashboard's in-memory history costs. Fills a HistoryStore with N canaries, each
 * changing at every record (weight, three checks, one new event), until every bound is reached, and
 * prints the heap it holds, the time one record of all N takes, and the size of one canary's detail
 * answer. Run: node --expose-gc --import tsx bench/dashboard/run.ts
 */
import { HistoryStore, type CanaryView } from '../../src/dashboard/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc --import tsx bench/dashboard/run.ts');

function canaries(count: number, step: number): CanaryView[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `svc-${i}`,
    namespace: `team-${i % 20}`,
    phase: 'Progressing',
    canaryWeight: step % 100,
    lastChecks: ['request-success-rate', 'request-duration', 'error-budget'].map((name, k) => ({
      name,
      decision: 'pass' as const,
      value: 99 + ((step + k) % 10) / 10,
      primaryValue: 99.5,
      message: `${name} ok`,
    })),
    events: [
      {
        type: 'Normal',
        reason: 'Synced',
        message: `Advance svc-${i}.team canary weight ${step % 100}`,
        time: new Date(1_700_000_000_000 + step * 1000).toISOString(),
      },
    ],
  }));
}

const heapMiB = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const rows: string[][] = [
  ['canaries', 'samples/canary', 'heap MiB', 'KiB/canary', 'record ms', 'detail KiB'],
];
const counts = (process.argv[2] ?? '100,1000').split(',').map(Number);
for (const count of counts) {
  const before = heapMiB();
  const history = new HistoryStore();
  let recordMs = 0;
  const steps = 360;
  for (let step = 0; step < steps; step++) {
    const snapshot = {
      source: 'bench',
      generatedAt: new Date(1_700_000_000_000 + step * 5000).toISOString(),
      canaries: canaries(count, step),
    };
    const started = performance.now();
    history.record(snapshot);
    if (step === steps - 1) recordMs = performance.now() - started;
  }
  const held = heapMiB() - before;
  const one = history.get('team-0/svc-0')!;
  rows.push([
    String(count),
    String(one.samples.length),
    held.toFixed(0),
    ((held * 1024) / count).toFixed(0),
    recordMs.toFixed(1),
    (JSON.stringify(one).length / 1024).toFixed(0),
  ]);
  console.error(`${count} canaries done`);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const row of rows) console.log(`| ${row.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`);
