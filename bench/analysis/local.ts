/**
 * Benchmark with REAL processes in Aviary's local runtime: the sample app as primary and canary behind
 * Aviary's router, 50 req/s from the demo's load generator, the engine driven by LocalRelease, for
 * Flagger-style threshold policies and Aviary's sequential judge, side by side in one run.
 *
 *   npx tsx bench/analysis/local.ts            full run, about 8 minutes
 *   npx tsx bench/analysis/local.ts --quick    smoke test, about 2 minutes (1m-interval policies skipped)
 *   npx tsx bench/analysis/local.ts --aa-runs 5
 *
 * Every release runs in its own worker process (this file with --worker), so one release's router and
 * load generator do not share an event loop with another's. The simulation (simulate.ts, the same
 * policies as run.ts) runs beside it at the lowest CPU priority (this file with --simulate) so its
 * numbers print in the same table.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Canary, CanaryMetric, Phase } from '../../src/api/types.js';
import { type DemoVersion, sampleAppCommand } from '../../src/demo/demo-canary.js';
import { type LoadGenerator, startLoad } from '../../src/demo/load-generator.js';
import { LocalRelease } from '../../src/local/run/local-release.js';
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
  errorScenario,
  FRR_TARGET,
  latencyScenario,
  quantileOfTimes,
  REGRESSION_HORIZON_S,
  REGRESSION_RUNS,
  RPS,
  share,
} from './scenarios.js';
import { simulate } from './simulate.js';

const SELF = fileURLToPath(import.meta.url);
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
const CANARY_PERCENT = 10;

// ---------------------------------------------------------------------------------------------------
// Scenarios (real): sample-app versions. The sample app draws each request's delay uniformly in
// latencyMs * [0.8, 1.2]: a 400 ms base spans 320..480 ms, p99 = 400 * (0.8 + 0.4 * 0.99) = 478 ms,
// max 480 ms, just under Flagger's 500 ms. The +50 ms canary (450 ms base) spans 360..540 ms: p99 539 ms,
// 22% of its requests above 500 ms. Its median moves 400 -> 450 ms (+12.5%): inside a 20% tolerance, so
// the 20% median judge runs on a 100 -> 150 ms pair (the simulation's +50% median shift) and a 5% median
// judge on the 400 -> 450 ms pair.

type ScenarioId = 'errors' | 'latency400' | 'latency100';

interface RealScenario {
  readonly title: string;
  readonly primary: DemoVersion;
  readonly regressed: DemoVersion;
  readonly same: DemoVersion;
}

const SCENARIOS: Record<ScenarioId, RealScenario> = {
  errors: {
    title: 'canary 5% errors vs primary 0.1%',
    primary: { version: 'v1', errorRate: 0.001, latencyMs: 0 },
    regressed: { version: 'v2', errorRate: 0.05, latencyMs: 0 },
    same: { version: 'v2', errorRate: 0.001, latencyMs: 0 },
  },
  latency400: {
    title: 'base 400 ms (p99 478) vs canary 450 ms (p99 539)',
    primary: { version: 'v1', errorRate: 0, latencyMs: 400 },
    regressed: { version: 'v2', errorRate: 0, latencyMs: 450 },
    same: { version: 'v2', errorRate: 0, latencyMs: 400 },
  },
  latency100: {
    title: 'base 100 ms vs canary 150 ms (p50 +50%)',
    primary: { version: 'v1', errorRate: 0, latencyMs: 100 },
    regressed: { version: 'v2', errorRate: 0, latencyMs: 150 },
    same: { version: 'v2', errorRate: 0, latencyMs: 100 },
  },
};

interface RealPolicy {
  readonly id: string;
  readonly name: string;
  readonly family: 'error' | 'latency';
  readonly flagger: boolean;
  readonly scenario: ScenarioId;
  /** analysis.interval */
  readonly interval: string;
  readonly intervalS: number;
  readonly threshold: number;
  readonly metric: CanaryMetric;
  /** The same policy in the simulation, if it has one. */
  readonly sim?: () => PolicyFactory;
}

const POLICIES: readonly RealPolicy[] = [
  {
    id: 'err-flagger-1m',
    name: 'Flagger success-rate >= 99, 1m interval (1m window), threshold 5',
    family: 'error',
    flagger: true,
    scenario: 'errors',
    interval: '1m',
    intervalS: 60,
    threshold: 5,
    metric: { name: 'request-success-rate', interval: '1m', thresholdRange: { min: 99 } },
    sim: () => flaggerSuccessRate(60, 5),
  },
  {
    id: 'err-flagger-10s',
    name: 'Flagger success-rate >= 99, 10s interval (10s window), threshold 1',
    family: 'error',
    flagger: true,
    scenario: 'errors',
    interval: '10s',
    intervalS: 10,
    threshold: 1,
    metric: { name: 'request-success-rate', interval: '10s', thresholdRange: { min: 99 } },
    sim: () => flaggerSuccessRate(10, 1),
  },
  {
    id: 'err-aviary',
    name: 'Aviary error-rate vs primary, margin 1pp, alpha 0.05 (10s interval)',
    family: 'error',
    flagger: false,
    scenario: 'errors',
    interval: '10s',
    intervalS: 10,
    threshold: 5,
    metric: { name: 'request-success-rate', interval: '1m', compareWithPrimary: { maxIncrease: 1 } },
    sim: () =>
      aviaryErrorRate('Aviary error-rate, margin 1pp, alpha 0.05, every 1s', {
        maxIncrease: 0.01,
        alpha: 0.05,
      }),
  },
  {
    id: 'lat-flagger-1m',
    name: 'Flagger request-duration p99 <= 500 ms, 1m interval (1m window), threshold 5',
    family: 'latency',
    flagger: true,
    scenario: 'latency400',
    interval: '1m',
    intervalS: 60,
    threshold: 5,
    metric: { name: 'request-duration', interval: '1m', thresholdRange: { max: 500 } },
    sim: () => flaggerRequestDuration(60, 5),
  },
  {
    id: 'lat-flagger-10s',
    name: 'Flagger request-duration p99 <= 500 ms, 10s interval (10s window), threshold 1',
    family: 'latency',
    flagger: true,
    scenario: 'latency400',
    interval: '10s',
    intervalS: 10,
    threshold: 1,
    metric: { name: 'request-duration', interval: '10s', thresholdRange: { max: 500 } },
    sim: () => flaggerRequestDuration(10, 1),
  },
  {
    id: 'lat-aviary-p50-20',
    name: 'Aviary latency p50 <= primary +20% (10s interval), 100 -> 150 ms',
    family: 'latency',
    flagger: false,
    scenario: 'latency100',
    interval: '10s',
    intervalS: 10,
    threshold: 5,
    metric: {
      name: 'request-duration',
      interval: '1m',
      compareWithPrimary: { quantile: 0.5, maxIncreasePercent: 20 },
    },
    sim: () =>
      aviaryLatency('Aviary latency p50 <= primary +20%, alpha 0.05, every 1s', {
        quantile: 0.5,
        maxIncreasePercent: 20,
      }),
  },
  {
    id: 'lat-aviary-p50-5',
    name: 'Aviary latency p50 <= primary +5% (10s interval), 400 -> 450 ms',
    family: 'latency',
    flagger: false,
    scenario: 'latency400',
    interval: '10s',
    intervalS: 10,
    threshold: 5,
    metric: {
      name: 'request-duration',
      interval: '1m',
      compareWithPrimary: { quantile: 0.5, maxIncreasePercent: 5 },
    },
  },
];

// ---------------------------------------------------------------------------------------------------
// One release (worker side)

interface Job {
  readonly policyId: string;
  readonly kind: 'regression' | 'aa';
  /** Each run is watched this long from Progressing. */
  readonly horizonMs: number;
  /** Start further runs (regression only) while one more fits before this many ms after "go". */
  readonly repeatForMs: number;
}

export interface RunRecord {
  /** ms from Progressing to the canary holding 10% of the traffic. */
  toWeightMs?: number;
  /** ms from Progressing to Failed. */
  toFailedMs?: number;
  /** ms from Progressing to WaitingPromotion (the judge/threshold passed at 10%). */
  toWaitingMs?: number;
  observedMs: number;
  lastPhase?: Phase;
  failureReason?: string;
  error?: string;
  sent: number;
}

function policyById(id: string): RealPolicy {
  const policy = POLICIES.find((p) => p.id === id);
  if (!policy) throw new Error(`unknown policy ${id}`);
  return policy;
}

function benchCanary(
  policy: RealPolicy,
  canaryVersion: DemoVersion,
  ports: { stable: number; canary: number },
  gateUrl: string,
  interval: string,
): Canary {
  const scenario = SCENARIOS[policy.scenario];
  return {
    apiVersion: 'aviary.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: 'bench', namespace: 'local' },
    spec: {
      provider: 'local',
      targetRef: { kind: 'Deployment', name: 'bench' },
      service: { port: 80, timeout: '5s' },
      analysis: {
        interval,
        threshold: policy.threshold,
        // One step to 10%, then "promote" -> confirm-promotion is closed -> WaitingPromotion at 10%,
        // where the metrics (and the judge between ticks) keep running and a failure still rolls back.
        stepWeight: CANARY_PERCENT,
        maxWeight: CANARY_PERCENT,
        // Only verdicts end a run: the A/A judge holds (inconclusive) until it has the evidence to pass.
        maxInconclusive: 60,
        webhooks: [{ name: 'hold-at-10-percent', type: 'confirm-promotion', url: gateUrl }],
        metrics: [policy.metric],
      },
      local: {
        listenPort: 0,
        metricsPort: 0,
        stable: { command: sampleAppCommand(scenario.primary), port: ports.stable },
        canary: { command: sampleAppCommand(canaryVersion), port: ports.canary },
        readinessPath: '/healthz',
        readinessTimeout: '120s',
      },
    },
  };
}

/** A confirm-promotion gate that never opens. */
function startClosedGate(): Promise<Server> {
  const server = createHttpServer((req, res) => {
    req.resume();
    res.writeHead(403, { 'content-type': 'text/plain' }).end('promotion not approved (benchmark)\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** A sleep that does not keep the process alive (for deadlines raced against real work). */
const deadline = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

async function oneRelease(policy: RealPolicy, kind: Job['kind'], horizonMs: number): Promise<RunRecord> {
  const scenario = SCENARIOS[policy.scenario];
  const stateDir = await mkdtemp(join(tmpdir(), 'aviary-bench-'));
  const gate = await startClosedGate();
  const ports = { stable: await freePort(), canary: await freePort() };
  const gateUrl = `http://127.0.0.1:${portOf(gate)}/approve`;
  const canaryVersion = kind === 'regression' ? scenario.regressed : scenario.same;
  const measured = benchCanary(policy, canaryVersion, ports, gateUrl, policy.interval);
  // Initialization (adopting the stable version) ticks every second; the measured release runs with the
  // policy's interval from the tick that detects the new revision on.
  const initializing = benchCanary(policy, canaryVersion, ports, gateUrl, '1s');
  let load: LoadGenerator | undefined;
  let swapped = false;
  let progressingAt: number | undefined;
  const record: RunRecord = { observedMs: 0, sent: 0 };
  const release: LocalRelease = new LocalRelease({
    manifests: { canary: initializing, alertProviders: [], metricTemplates: [], secrets: new Map() },
    stateDir,
    minimumIntervalMs: 1000,
    onStatus: (status) => {
      const now = Date.now();
      if (!load && release.routerPort) load = startLoad(`http://127.0.0.1:${release.routerPort}/`, RPS);
      if (!swapped && status.lastAppliedSpec !== undefined) {
        swapped = true;
        release.updateCanary(measured);
      }
      if (status.phase === 'Progressing' && progressingAt === undefined) progressingAt = now;
      if (progressingAt === undefined) return;
      const since = now - progressingAt;
      if ((status.canaryWeight ?? 0) >= CANARY_PERCENT && record.toWeightMs === undefined)
        record.toWeightMs = since;
      if (status.phase === 'WaitingPromotion' && record.toWaitingMs === undefined) record.toWaitingMs = since;
      if (status.phase === 'Failed' && record.toFailedMs === undefined) {
        record.toFailedMs = since;
        if (status.failureReason) record.failureReason = status.failureReason;
      }
      if (status.phase) record.lastPhase = status.phase;
    },
  });
  const uninstall = release.local.installExitHandlers(() => void release.close());
  const running = release.run();
  running.catch(() => undefined);
  const startedAt = Date.now();
  try {
    const ended = await Promise.race([
      running.then(() => 'ended' as const),
      (async () => {
        for (;;) {
          await sleep(250);
          if (progressingAt === undefined && Date.now() - startedAt > 180_000) return 'no-start' as const;
          if (progressingAt !== undefined && Date.now() - progressingAt >= horizonMs)
            return 'horizon' as const;
        }
      })(),
    ]);
    if (ended === 'no-start') record.error = 'the release never reached Progressing within 3 minutes';
    if (ended === 'ended' && record.lastPhase === 'Succeeded')
      record.error = 'promoted despite the closed gate';
  } catch (err) {
    record.error = (err as Error).message;
  } finally {
    record.observedMs = progressingAt === undefined ? 0 : Date.now() - progressingAt;
    record.sent = load?.sent ?? 0;
    await load?.stop();
    await release.close();
    uninstall();
    await new Promise<void>((resolve) => gate.close(() => resolve()));
    await rm(stateDir, { recursive: true, force: true });
  }
  return record;
}

async function worker(job: Job): Promise<void> {
  const policy = policyById(job.policyId);
  const send = (message: object) => process.stdout.write(JSON.stringify(message) + '\n');
  const lines = createInterface({ input: process.stdin });
  const go = new Promise<void>((resolve) => {
    lines.on('line', (line) => {
      if (line.trim() === 'go') resolve();
    });
    // The parent went away: stop here (LocalRelease.close() runs in oneRelease's finally on SIGTERM too).
    lines.on('close', () => process.exit(1));
  });
  send({ type: 'loaded' });
  await go;
  const goAt = Date.now();
  const runs: RunRecord[] = [];
  do {
    const record = await oneRelease(policy, job.kind, job.horizonMs);
    runs.push(record);
    send({ type: 'run', record });
    if (record.error) break;
  } while (job.kind === 'regression' && Date.now() - goAt + job.horizonMs + 15_000 <= job.repeatForMs);
  send({ type: 'done', runs });
  lines.removeAllListeners('close');
  lines.close();
}

// ---------------------------------------------------------------------------------------------------
// The simulation's numbers for the same policies (worker side, --simulate)

export interface SimRow {
  id: string;
  /** Median seconds from the canary's first 10% second to rollback; null = not within the horizon. */
  median: number | null;
  p90: number | null;
  rolledBack: number;
  aaFalse: number;
  aaRuns: number;
}

function simulateRows(): SimRow[] {
  const rows: SimRow[] = [];
  const families: {
    family: RealPolicy['family'];
    regression: () => ReturnType<typeof errorScenario>;
    aa: () => ReturnType<typeof errorScenario>;
    seed: number;
  }[] = [
    {
      family: 'error',
      regression: () => errorScenario(0.05, REGRESSION_HORIZON_S, true),
      aa: () => errorScenario(0.001, AA_HORIZON_S, false),
      seed: 1,
    },
    {
      family: 'latency',
      regression: () => latencyScenario(true, REGRESSION_HORIZON_S, true),
      aa: () => latencyScenario(false, AA_HORIZON_S, false),
      seed: 2,
    },
  ];
  for (const { family, regression, aa, seed } of families) {
    const policies = POLICIES.filter((p) => p.family === family && p.sim);
    const factories = policies.map((p) => p.sim!());
    // Same seeds and run counts as run.ts, so these rows match its table.
    const reg = simulate(regression(), factories, REGRESSION_RUNS, seed);
    const aaOut = simulate(aa(), factories, AA_RUNS, seed + 1_000_000);
    policies.forEach((p, i) => {
      const r = reg[i] ?? [];
      const a = aaOut[i] ?? [];
      const finite = (x: number) => (Number.isFinite(x) ? x : null);
      rows.push({
        id: p.id,
        median: finite(quantileOfTimes(r, 0.5)),
        p90: finite(quantileOfTimes(r, 0.9)),
        rolledBack: share(r, 'rollback'),
        aaFalse: a.filter((o) => o.action === 'rollback').length,
        aaRuns: a.length,
      });
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// The parent: start the workers, release them, collect, print

interface WorkerHandle {
  label: string;
  job: Job;
  child: ChildProcess;
  loaded: Promise<void>;
  done: Promise<RunRecord[]>;
}

function tsxArgs(...args: string[]): string[] {
  return ['--import', TSX_LOADER, SELF, ...args];
}

function startWorker(job: Job, label: string): WorkerHandle {
  const child = spawn(process.execPath, tsxArgs('--worker', JSON.stringify(job)), {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const runs: RunRecord[] = [];
  let onLoaded: () => void = () => undefined;
  const loaded = new Promise<void>((resolve) => (onLoaded = resolve));
  const done = new Promise<RunRecord[]>((resolve) => {
    let finished = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let message: { type?: string; record?: RunRecord; runs?: RunRecord[] };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        return;
      }
      if (message.type === 'loaded') onLoaded();
      if (message.type === 'run' && message.record) runs.push(message.record);
      if (message.type === 'done') {
        finished = true;
        resolve(message.runs ?? runs);
      }
    });
    child.on('exit', (code) => {
      onLoaded();
      if (!finished) {
        if (runs.length === 0 || code !== 0) {
          runs.push({
            observedMs: 0,
            sent: 0,
            error: `worker exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
          });
        }
        resolve(runs);
      }
    });
  });
  return { label, job, child, loaded, done };
}

function runSimulationChild(): Promise<SimRow[] | string> {
  return new Promise((resolve) => {
    // Lowest CPU priority, so the simulation does not slow the real routers down.
    const child = spawn('nice', ['-n', '19', process.execPath, ...tsxArgs('--simulate')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', (e) => resolve(`simulation failed to start: ${e.message}`));
    child.on('exit', (code) => {
      try {
        resolve(code === 0 ? (JSON.parse(out) as SimRow[]) : `simulation exited ${code}: ${err.slice(-500)}`);
      } catch {
        resolve(`simulation output unreadable: ${out.slice(0, 200)}`);
      }
    });
  });
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function fmtS(seconds: number | null | undefined): string {
  if (seconds === undefined || seconds === null) return '-';
  return seconds < 120 ? `${seconds.toFixed(seconds < 10 ? 1 : 0)}s` : `${(seconds / 60).toFixed(1)}m`;
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
}

interface Summary {
  policy: RealPolicy;
  regression: RunRecord[];
  aa: RunRecord[];
  /** Median seconds from Progressing to Failed over the runs that rolled back. */
  fromStart?: number;
  fromTraffic?: number;
  rolledBack: number;
  runs: number;
  censoredAtS?: number;
  aaFalse: number;
  aaValid: number;
  aaMinutes: number;
  sim?: SimRow;
}

function summarize(
  policy: RealPolicy,
  regression: RunRecord[],
  aa: RunRecord[],
  sim: SimRow[] | string,
): Summary {
  const ok = regression.filter((r) => !r.error);
  const failed = ok.filter((r) => r.toFailedMs !== undefined);
  const fromStart = median(failed.map((r) => r.toFailedMs! / 1000));
  const fromTraffic = median(failed.map((r) => (r.toFailedMs! - (r.toWeightMs ?? 0)) / 1000));
  const aaOk = aa.filter((r) => !r.error);
  const simRow = typeof sim === 'string' ? undefined : sim.find((s) => s.id === policy.id);
  const notRolled = ok.filter((r) => r.toFailedMs === undefined);
  return {
    policy,
    regression,
    aa,
    ...(fromStart !== undefined ? { fromStart } : {}),
    ...(fromTraffic !== undefined ? { fromTraffic } : {}),
    rolledBack: failed.length,
    runs: ok.length,
    ...(notRolled.length > 0 ? { censoredAtS: Math.min(...notRolled.map((r) => r.observedMs / 1000)) } : {}),
    aaFalse: aaOk.filter((r) => r.toFailedMs !== undefined).length,
    aaValid: aaOk.length,
    aaMinutes: aaOk.length > 0 ? Math.min(...aaOk.map((r) => r.observedMs)) / 60_000 : 0,
    ...(simRow ? { sim: simRow } : {}),
  };
}

function printTable(summaries: Summary[]): void {
  for (const family of ['error', 'latency'] as const) {
    const rows = summaries.filter((s) => s.policy.family === family);
    const flaggers = rows.filter((r) => r.policy.flagger);
    // "Best Flagger": the fastest real rollback among the Flagger settings whose SIMULATED A/A
    // false-rollback rate is within the target (a handful of real A/A runs cannot show 1%); if none is,
    // the one with the fewest simulated false rollbacks.
    const simFrr = (s: Summary) => (s.sim ? s.sim.aaFalse / s.sim.aaRuns : 1);
    const eligible = flaggers.filter((f) => simFrr(f) <= FRR_TARGET);
    const byReal = (a: Summary, b: Summary) => (a.fromStart ?? Infinity) - (b.fromStart ?? Infinity);
    const best = [...eligible].sort(byReal)[0] ?? [...flaggers].sort((a, b) => simFrr(a) - simFrr(b))[0];
    const bestSimMedian = best?.sim?.median ?? null;

    console.log(
      `\n== ${family === 'error' ? 'Error rate: canary 5% errors vs primary 0.1%, canary at 10% of 50 req/s' : 'Latency: canary +50 ms vs primary, canary at 10% of 50 req/s'}`,
    );
    const widths = [82, 10, 10, 6, 16, 8, 8, 14, 9, 9];
    console.log(
      pad(
        ['', 'REAL', '', '', 'REAL A/A false', 'SIM', 'SIM', 'SIM A/A false', 'speed-up', 'speed-up'],
        widths,
      ),
    );
    console.log(
      pad(
        [
          'policy [scenario]',
          'to Failed',
          'from 10%',
          'runs',
          'rollbacks',
          'median',
          'p90',
          'rollbacks',
          'real',
          'sim',
        ],
        widths,
      ),
    );
    for (const row of rows) {
      const realTime =
        row.fromStart !== undefined
          ? `${fmtS(row.fromStart)}`
          : row.runs > 0
            ? `>${fmtS(row.censoredAtS ?? 0)}`
            : 'error';
      const speedReal =
        row === best
          ? '(best)'
          : row.policy.flagger || row.fromStart === undefined || best?.fromStart === undefined
            ? ''
            : `${(best.fromStart / row.fromStart).toFixed(1)}x`;
      const speedSim =
        row === best
          ? '(best)'
          : row.policy.flagger || !row.sim?.median || bestSimMedian === null
            ? ''
            : `${(bestSimMedian / row.sim.median).toFixed(1)}x`;
      console.log(
        pad(
          [
            `${row.policy.name} [${row.policy.scenario}]`,
            realTime,
            row.fromTraffic !== undefined ? fmtS(row.fromTraffic) : '-',
            `${row.rolledBack}/${row.runs}`,
            row.aaValid > 0 ? `${row.aaFalse}/${row.aaValid} (${row.aaMinutes.toFixed(1)}m)` : 'error',
            row.sim ? fmtS(row.sim.median) : 'n/a',
            row.sim ? fmtS(row.sim.p90) : 'n/a',
            row.sim ? `${row.sim.aaFalse}/${row.sim.aaRuns}` : 'n/a',
            speedReal,
            speedSim,
          ],
          widths,
        ),
      );
    }
    console.log(
      best
        ? `   best Flagger setting = ${eligible.includes(best) ? `fastest whose simulated A/A false-rollback rate <= ${100 * FRR_TARGET}%` : `none keeps the simulated A/A rate <= ${100 * FRR_TARGET}%, so the one with the fewest`}: "${best.policy.name}"`
        : '   no Flagger row',
    );
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const aaIndex = argv.indexOf('--aa-runs');
  const aaRuns = aaIndex >= 0 ? Number(argv[aaIndex + 1]) : 3;
  const policies = quick ? POLICIES.filter((p) => p.intervalS < 60) : POLICIES;
  // A 1m-interval, threshold-5 policy can roll back at the earliest 7 intervals after Progressing (one
  // interval at 0%, five failed checks, the rollback at the next tick): watch those 7.5 min. The others
  // decide within seconds to a minute or two: their regression runs repeat while time is left, and their
  // A/A runs are watched 6 min (36 ten-second checks, 360 looks of the judge).
  const longHorizon = quick ? 60_000 : 450_000;
  const shortHorizon = quick ? 60_000 : 180_000;
  const aaShort = quick ? 75_000 : 360_000;
  const repeatFor = quick ? 80_000 : 420_000;

  const started = Date.now();
  console.log(
    'Aviary analysis benchmark — REAL processes in the local runtime (sample app, Aviary router, engine',
  );
  console.log(
    `via LocalRelease), beside the seeded simulation of run.ts. This takes ${quick ? 'about 2 minutes (--quick)' : 'about 8 minutes'}; every release runs`,
  );
  console.log('concurrently in its own worker process. Ctrl-C stops every process.');
  console.log(
    `Traffic: ${RPS} req/s per release from the demo load generator; canary held at ${CANARY_PERCENT}% (stepWeight = maxWeight = ${CANARY_PERCENT},`,
  );
  console.log(
    'then a confirm-promotion gate answering 403 keeps it in WaitingPromotion, where checks go on).',
  );

  const sim = runSimulationChild();
  const handles: WorkerHandle[] = [];
  // Longest first: they get the earliest "go".
  const ordered = [...policies].sort((a, b) => b.intervalS - a.intervalS);
  for (const policy of ordered) {
    const long = policy.intervalS >= 60;
    handles.push(
      startWorker(
        {
          policyId: policy.id,
          kind: 'regression',
          horizonMs: long ? longHorizon : shortHorizon,
          repeatForMs: long ? 0 : repeatFor,
        },
        `${policy.id} regression`,
      ),
    );
    for (let i = 0; i < aaRuns; i++) {
      handles.push(
        startWorker(
          { policyId: policy.id, kind: 'aa', horizonMs: long ? longHorizon : aaShort, repeatForMs: 0 },
          `${policy.id} A/A #${i + 1}`,
        ),
      );
    }
  }
  const stopAll = () => {
    for (const h of handles) if (h.child.exitCode === null) h.child.kill('SIGTERM');
  };
  process.once('SIGINT', () => {
    stopAll();
    setTimeout(() => process.exit(130), 5000).unref();
  });

  await Promise.race([Promise.all(handles.map((h) => h.loaded)), deadline(120_000)]);
  console.log(
    `${handles.length} workers loaded in ${((Date.now() - started) / 1000).toFixed(0)}s (${policies.length} policies: 1 regression worker + ${aaRuns} A/A runs each); starting them 1.5 s apart.`,
  );
  for (const h of handles) {
    h.child.stdin?.write('go\n');
    await sleep(1500);
  }

  const results = await Promise.race([
    Promise.all(handles.map((h) => h.done)),
    deadline(15 * 60_000).then(() => undefined),
  ]);
  if (!results) {
    console.log('workers did not finish within 15 minutes; stopping them');
    stopAll();
  }
  for (const h of handles) h.child.stdin?.end();
  const allRuns = results ?? handles.map(() => [] as RunRecord[]);
  const simRows = await sim;

  const summaries = policies.map((policy) => {
    const regression: RunRecord[] = [];
    const aa: RunRecord[] = [];
    handles.forEach((h, i) => {
      if (h.job.policyId !== policy.id) return;
      (h.job.kind === 'regression' ? regression : aa).push(...(allRuns[i] ?? []));
    });
    return summarize(policy, regression, aa, simRows);
  });

  console.log(
    `\nScenarios (sample app --error-rate / --latency-ms; each request's delay uniform in latency * [0.8, 1.2]):`,
  );
  for (const [id, s] of Object.entries(SCENARIOS)) console.log(`  ${id.padEnd(10)} ${s.title}`);
  printTable(summaries);

  console.log(`
Columns
- REAL to Failed: median wall time from phase Progressing (canary started, still at 0%) to Failed, over the
  runs that rolled back ("runs" = rolled back / runs; ">x" = not rolled back within x). "from 10%": the same
  minus the time the canary waited for its 10% (one analysis interval). Regression runs of the 10s/Aviary
  policies repeat back to back while the 1m policies run.
- REAL A/A false rollbacks: canary identical to primary (same error rate / latency, other version label),
  k/n runs, each watched for the minutes shown from Progressing. n is tiny: it shows gross failures only.
- SIM: simulate.ts with run.ts's seeds, ${REGRESSION_RUNS} regression runs and ${AA_RUNS} A/A runs of ${AA_HORIZON_S / 60} min; its times count
  from the canary's first second at 10% (compare with "from 10%"). The simulated latency is log-normal
  (median 100, p99 480 ms), not the sample app's uniform jitter; see the notes.
- speed-up: best Flagger's median / this policy's median (real: to Failed; sim: from 10%).`);
  if (typeof simRows === 'string') console.log(`\nSimulation: ${simRows}`);

  const problems = summaries.flatMap((s) =>
    [...s.regression, ...s.aa].filter((r) => r.error).map((r) => `${s.policy.id}: ${r.error}`),
  );
  if (problems.length > 0) console.log(`\nErrors (runs left out):\n  ${problems.join('\n  ')}`);
  const reasons = new Map<string, string>();
  for (const s of summaries) {
    const reason = s.regression.find((r) => r.failureReason)?.failureReason;
    if (reason) reasons.set(s.policy.id, reason);
    const falseReason = s.aa.find((r) => r.failureReason)?.failureReason;
    if (falseReason) reasons.set(`${s.policy.id} (A/A)`, falseReason);
  }
  console.log('\nRollback reasons (first run of each):');
  for (const [id, reason] of reasons) console.log(`  ${id}: ${reason.slice(0, 160)}`);
  const waiting = summaries
    .filter((s) => !s.policy.flagger)
    .map((s) => {
      const passed = s.aa.filter((r) => r.toWaitingMs !== undefined);
      return `${s.policy.id}: ${passed.length}/${s.aa.length} A/A runs passed (WaitingPromotion) after ${fmtS(median(passed.map((r) => r.toWaitingMs! / 1000)))} (median)`;
    });
  console.log(`\nAviary A/A: time to a pass at 10%:\n  ${waiting.join('\n  ')}`);
  const sent = summaries.flatMap((s) => [...s.regression, ...s.aa]).reduce((sum, r) => sum + r.sent, 0);
  // Latency numbers are only as good as the machine is idle: every release shares its cores.
  console.log(
    `\nMachine: ${cpus().length} CPUs, load average (1/5/15 min) ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} at the end.`,
  );
  console.log(`${sent} requests sent; wall time ${((Date.now() - started) / 60_000).toFixed(1)} min.`);
  stopAll();
  await Promise.all(
    handles.map((h) =>
      h.child.exitCode === null && h.child.signalCode === null
        ? new Promise<void>((resolve) => h.child.once('exit', () => resolve()))
        : undefined,
    ),
  );
  process.exit(0);
}

const mode = process.argv[2];
if (mode === '--worker') {
  await worker(JSON.parse(process.argv[3] ?? '{}') as Job);
  process.exit(0);
} else if (mode === '--simulate') {
  process.stdout.write(JSON.stringify(simulateRows()));
} else {
  await main();
}
