/**
 * CLI start-up: `aviary --help` and `aviary version` from the compiled build (dist/, as the npm package
 * and the image run it) and from the TypeScript sources (tsx, a development checkout without a build),
 * against `node -e 0` measured in the same run. Runs are interleaved; prints medians and p90s.
 *
 *   npx tsx bench/startup/run.ts [--runs 20]
 *
 * The build goes to a temporary package (package.json, bin/, dist/), never to this checkout's dist/.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const REPO = join(import.meta.dirname, '..', '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const RUNS = Number(values.runs);

const pkg = mkdtempSync(join(tmpdir(), 'aviary-startup-'));
try {
  process.stderr.write('building dist/ into a temporary package...\n');
  const build = spawnSync(
    process.execPath,
    [join(REPO, 'scripts/build.mjs'), '--out-dir', join(pkg, 'dist')],
    {
      stdio: 'inherit',
    },
  );
  if (build.status !== 0) throw new Error('build failed');
  mkdirSync(join(pkg, 'bin'));
  copyFileSync(join(REPO, 'bin/aviary.js'), join(pkg, 'bin/aviary.js'));
  copyFileSync(join(REPO, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(join(REPO, 'node_modules'), join(pkg, 'node_modules'));

  const cases: { name: string; args: string[]; env?: NodeJS.ProcessEnv }[] = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'aviary --help (dist)', args: [join(pkg, 'bin/aviary.js'), '--help'] },
    { name: 'aviary version (dist)', args: [join(pkg, 'bin/aviary.js'), 'version'] },
    {
      name: 'aviary --help (sources, tsx)',
      args: [join(REPO, 'bin/aviary.js'), '--help'],
      env: { AVIARY_FROM_SOURCE: '1' },
    },
    {
      name: 'aviary version (sources, tsx)',
      args: [join(REPO, 'bin/aviary.js'), 'version'],
      env: { AVIARY_FROM_SOURCE: '1' },
    },
  ];
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  // One warm-up round (file cache, tsx's compile cache), then interleaved measured rounds.
  for (let round = -1; round < RUNS; round++) {
    for (const c of cases) {
      const started = performance.now();
      const result = spawnSync(process.execPath, c.args, {
        env: { ...process.env, ...c.env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const ms = performance.now() - started;
      if (result.status !== 0) throw new Error(`${c.name} exited ${result.status}: ${String(result.stderr)}`);
      if (round >= 0) samples.get(c.name)!.push(ms);
    }
  }

  const base = median(samples.get('node -e 0')!);
  console.log(
    `\n${RUNS} interleaved runs each, Node ${process.version}, ${process.platform}/${process.arch}\n`,
  );
  console.log('| command | median ms | p90 ms | over node -e 0 |');
  console.log('|---|---:|---:|---:|');
  for (const c of cases) {
    const s = samples.get(c.name)!;
    const m = median(s);
    const over = c.name === 'node -e 0' ? '-' : `+${(m - base).toFixed(0)} ms`;
    console.log(`| ${c.name} | ${m.toFixed(0)} | ${quantile(s, 0.9).toFixed(0)} | ${over} |`);
  }
} finally {
  rmSync(pkg, { recursive: true, force: true });
}

function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
