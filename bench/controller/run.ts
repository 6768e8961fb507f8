/**
 * Controller scale on the real control plane (scripts/dev-cluster.sh): N Canaries, each over its own
 * Deployment whose pods KWOK runs, driven by one `aviary controller` process holding only deploy/rbac's
 * grants. For each N it measures the time until every Canary is Initialized, the reconcile latency
 * (the controller's own aviary_canary_duration_seconds histogram), the controller's RSS and CPU
 * seconds, the API requests it made per second (the API server's audit log), and how long a new
 * revision of one canary waits before the controller acts on it while the others exist. Then it
 * restarts the controller on the same namespace (unless --no-restart) and measures the new process's
 * peak RSS, sampled every 200 ms, and the time until every canary has had a reconcile again: a
 * starting controller lists every watched collection at once, its memory peak.
 *
 *   npx tsx bench/controller/run.ts [--sizes 100,1000,5000] [--settle 60] [--init-timeout S]
 *     [--no-restart] [--restart-timeout S] [--node-options="--cpu-prof"]
 *
 * Each size gets its own namespace, deleted afterwards. Not part of the test suite.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { makeClients, type KubeClients } from '../../src/kube/client.js';
import { auditRecords } from '../../test/cluster/audit.js';
import { installControllerRbac, registerCrds } from '../../test/cluster/install.js';
import { oneReplicaDeployment, plainIstioCanary } from '../../test/e2e/support/manifests.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CONTROLLER_USER = 'system:serviceaccount:aviary-system:aviary';
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000,5000' },
    settle: { type: 'string', default: '60' },
    // Seconds to wait for every canary to be Initialized (default: 10 minutes, or 0.4 s per canary).
    'init-timeout': { type: 'string' },
    'no-restart': { type: 'boolean', default: false },
    // Seconds a restarted controller gets to reconcile every canary once (default: 5 minutes, or 0.2 s per canary).
    'restart-timeout': { type: 'string' },
    // e.g. --node-options="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the controller process.
    'node-options': { type: 'string', default: '' },
  },
});
const controllerNodeOptions = values['node-options'].split(' ').filter(Boolean);
const sizes = values.sizes.split(',').map(Number);
const settleSeconds = Number(values.settle);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function clusterUp(): Promise<{ kubeconfig: string; bin: string }> {
  const out = execFileSync('bash', [path.join(REPO, 'scripts/dev-cluster.sh'), 'up'], { encoding: 'utf8' });
  const kubeconfig = /export KUBECONFIG=(\S+)/.exec(out)?.[1];
  const bin = /export PATH=([^:\s]+):/.exec(out)?.[1];
  if (!kubeconfig || !bin) throw new Error(`dev-cluster.sh up printed no exports: ${out}`);
  // What the test runs install: the CRDs (Aviary's and Istio's) and the controller's RBAC.
  await registerCrds(kubeconfig, bin);
  await installControllerRbac(kubeconfig, bin);
  // Each canary holds a primary pod and, while it initializes, its target's: 2 per canary at peak.
  // The dev cluster's fake nodes take 110 pods each, like a kubelet's default; raise it for the bench.
  const kubectl = (...args: string[]) =>
    execFileSync(path.join(bin, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' });
  // Only ever raised: another bench may be running thousands of pods on these nodes.
  const needed = Math.max(...sizes) * 2;
  for (const node of kubectl('get', 'nodes', '-o', 'name').split('\n').filter(Boolean)) {
    const held = Number(
      kubectl('get', node, '-o', 'jsonpath={.status.allocatable.pods}').replace(/k$/, '000'),
    );
    if (held >= needed) continue;
    const room = { pods: String(needed) };
    kubectl(
      'patch',
      node,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { capacity: room, allocatable: room } }),
    );
  }
  return { kubeconfig, bin };
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await task(items[next++] as T);
    }),
  );
}

async function retrying<T>(what: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await what();
    } catch (err) {
      if (i >= attempts) throw err;
      await sleep(200 * i);
    }
  }
}

async function phases(clients: KubeClients, namespace: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let _continue: string | undefined;
  do {
    const page = (await clients.custom.listNamespacedCustomObject({
      group: 'aviary.dev',
      version: 'v1beta1',
      namespace,
      plural: 'canaries',
      limit: 1000,
      ...(_continue ? { _continue } : {}),
    })) as { items: { status?: { phase?: string } }[]; metadata?: { continue?: string } };
    for (const item of page.items) {
      const phase = item.status?.phase ?? '(none)';
      counts.set(phase, (counts.get(phase) ?? 0) + 1);
    }
    _continue = page.metadata?.continue || undefined;
  } while (_continue);
  return counts;
}

function procStats(pid: number): { rssMiB: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssMiB: rssKiB / 1024, cpuSeconds: ticks / 100 };
}

/** A Prometheus histogram's cumulative buckets (summed over its label sets), by upper bound. */
function histogramBuckets(metrics: string, name: string): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const line of metrics.split('\n')) {
    const m = new RegExp(`^${name}_bucket\\{.*le="([^"]+)".*\\} (\\S+)`).exec(line);
    if (!m) continue;
    const le = m[1] === '+Inf' ? Infinity : Number(m[1]);
    buckets.set(le, (buckets.get(le) ?? 0) + Number(m[2]));
  }
  return buckets;
}

/** The observations between two scrapes of the same histogram. */
function bucketsBetween(before: Map<number, number>, after: Map<number, number>): Map<number, number> {
  return new Map([...after].map(([le, count]) => [le, count - (before.get(le) ?? 0)]));
}

/** p-quantile from cumulative buckets, interpolated within the bucket. */
function histogramQuantile(buckets: Map<number, number>, q: number): number {
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1, count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

/** The controller's requests about `namespace` (or cluster-wide ones) in the window. */
function controllerRequests(kubeconfig: string, namespace: string, since: Date, until: Date) {
  return auditRecords(kubeconfig, CONTROLLER_USER, since).filter(
    (r) => (r.namespace === undefined || r.namespace === namespace) && new Date(r.received) <= until,
  );
}

interface Row {
  canaries: number;
  initializedSeconds: number;
  p50ms: number;
  p99ms: number;
  /** Ticks of the settled window only: every canary idle, nothing to create. */
  idleTicks: number;
  idleP50ms: number;
  idleP99ms: number;
  rssMiB: number;
  /** V8 heap in use at the end (the controller's own gauge): what the caches and the loops hold. */
  heapMiB: number;
  cpuSeconds: number;
  cpuSettledPerMinute: number;
  apiPerSecondSettled: number;
  newRevisionWaitSeconds: number;
  restart?: Restart;
}

interface Restart {
  peakRssMiB: number;
  /** From the new process's start until every canary had a reconcile; NaN if the timeout came first. */
  allTickedSeconds: number;
  /** Canaries reconciled by the end (n when all were). */
  ticked: number;
  /** The new process's API requests until then, by verb and resource, e.g. "list pods 10,000, watch canaries 1". */
  requestsByVerb: string;
}

const TICKS = 'aviary_canary_duration_seconds';

/** `aviary controller` on the namespace as the ServiceAccount, metrics on a loopback port. */
function startController(saKubeconfig: string, namespace: string) {
  const metricsPort = 18000 + Math.floor(Math.random() * 1000);
  const child = spawn(
    process.execPath,
    [
      ...controllerNodeOptions,
      path.join(REPO, 'bin/aviary.js'),
      'controller',
      '--kubeconfig',
      saKubeconfig,
      '--namespace',
      namespace,
      '--metrics-addr',
      `127.0.0.1:${metricsPort}`,
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const scrape = async () =>
    (await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
  return { child, pid: child.pid as number, scrape };
}

/** SIGTERM, then SIGKILL if it has not exited within 30 s. */
async function stopController(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(killer);
}

/** Canaries with at least one finished reconcile (the histogram has one count line per canary). */
function canariesTicked(metrics: string): number {
  return metrics.split('\n').filter((line) => {
    const m = new RegExp(`^${TICKS}_count\\{.*\\} (\\S+)$`).exec(line);
    return m !== null && Number(m[1]) >= 1;
  }).length;
}

/**
 * A new controller on a namespace whose n canaries exist and are idle: its RSS every 200 ms until every
 * canary has been reconciled once. Metrics are scraped only every 2 s: at thousands of canaries the
 * exposition is megabytes, and building it would add to the very peak being measured.
 */
async function measureRestart(
  kubeconfig: string,
  saKubeconfig: string,
  namespace: string,
  n: number,
): Promise<Restart> {
  const timeoutMs = values['restart-timeout']
    ? Number(values['restart-timeout']) * 1000
    : Math.max(300_000, n * 200);
  const since = new Date();
  const controller = startController(saKubeconfig, namespace);
  const started = Date.now();
  let peakRssMiB = 0;
  let ticked = 0;
  let allTickedSeconds = NaN;
  let lastScrape = 0;
  try {
    while (Date.now() - started < timeoutMs) {
      if (controller.child.exitCode !== null)
        throw new Error(`the restarted controller exited (${controller.child.exitCode})`);
      peakRssMiB = Math.max(peakRssMiB, procStats(controller.pid).rssMiB);
      if (Date.now() - lastScrape >= 2000) {
        lastScrape = Date.now();
        // Not listening yet while it starts: counted as nothing ticked.
        ticked = canariesTicked(await controller.scrape().catch(() => ''));
        if (ticked >= n) {
          allTickedSeconds = (Date.now() - started) / 1000;
          break;
        }
        process.stderr.write(
          `[${n}] restarted: ${ticked} of ${n} reconciled, peak RSS ${peakRssMiB.toFixed(0)} MiB\n`,
        );
      }
      await sleep(200);
    }
  } finally {
    await stopController(controller.child);
  }
  const until = new Date(started + (Number.isFinite(allTickedSeconds) ? allTickedSeconds * 1000 : timeoutMs));
  return {
    peakRssMiB,
    allTickedSeconds,
    ticked,
    requestsByVerb: requestsByVerb(kubeconfig, since, until),
  };
}

/**
 * Every request of the controller in the window (the one controller running, so the mesh preflight's
 * lists in istio-system count too), counted by verb and resource, most first.
 */
function requestsByVerb(kubeconfig: string, since: Date, until: Date): string {
  const counts = new Map<string, number>();
  for (const r of auditRecords(kubeconfig, CONTROLLER_USER, since)) {
    if (new Date(r.received) > until) continue;
    const key = `${r.verb} ${r.resource ?? ''}`.trim();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  return sorted.map(([what, count]) => `${what} ${count.toLocaleString('en')}`).join(', ') || 'none';
}

async function measure(n: number, kubeconfig: string): Promise<Row> {
  const admin = makeClients(loadConfig(kubeconfig));
  const namespace = `bench-${n}-${Math.random().toString(36).slice(2, 6)}`;
  await admin.core.createNamespace({ body: { metadata: { name: namespace } } });
  const names = Array.from({ length: n }, (_, i) => `app-${i}`);
  process.stderr.write(`[${n}] creating ${n} Deployments and Canaries in ${namespace}\n`);
  await pool(names, 16, (name) =>
    retrying(() =>
      admin.apps.createNamespacedDeployment({ namespace, body: oneReplicaDeployment(name, undefined) }),
    ),
  );

  const saKubeconfig = path.join(os.tmpdir(), `aviary-bench-${namespace}.kubeconfig`);
  execFileSync(
    'bash',
    [path.join(REPO, 'scripts/dev-cluster.sh'), 'kubeconfig-for', 'aviary-system', 'aviary', saKubeconfig],
    {
      stdio: 'ignore',
    },
  );
  const { child: controller, scrape } = startController(saKubeconfig, namespace);
  const started = Date.now();
  await pool(names, 16, (name) =>
    retrying(() =>
      admin.custom.createNamespacedCustomObject({
        group: 'aviary.dev',
        version: 'v1beta1',
        namespace,
        plural: 'canaries',
        body: plainIstioCanary(name, undefined, '1m'),
      }),
    ),
  );

  let initializedSeconds = NaN;
  const initTimeoutMs = values['init-timeout']
    ? Number(values['init-timeout']) * 1000
    : Math.max(600_000, n * 400);
  const deadline = Date.now() + initTimeoutMs;
  while (Date.now() < deadline) {
    const counts = await phases(admin, namespace);
    if ((counts.get('Initialized') ?? 0) === n) {
      initializedSeconds = (Date.now() - started) / 1000;
      break;
    }
    process.stderr.write(`[${n}] ${JSON.stringify(Object.fromEntries(counts))}\n`);
    await sleep(2000);
  }

  // Settled: every canary idles at its 1m interval. The ticks that brought them to Initialized came
  // in one wave; wait one interval for the waves to pass, then count the controller's API calls.
  await sleep(60_000);
  const windowStart = new Date();
  const cpuBefore = procStats(controller.pid as number).cpuSeconds;
  const ticksBefore = histogramBuckets(await scrape(), TICKS);
  await sleep(settleSeconds * 1000);
  const idle = bucketsBetween(ticksBefore, histogramBuckets(await scrape(), TICKS));
  const cpuSettled = procStats(controller.pid as number).cpuSeconds - cpuBefore;
  const windowEnd = new Date();
  const apiPerSecondSettled =
    controllerRequests(kubeconfig, namespace, windowStart, windowEnd).length / settleSeconds;

  // A new revision of one canary while the rest exist: how long until the controller acts on it.
  const victim = names[Math.floor(n / 2)] as string;
  const shipped = Date.now();
  await admin.apps.patchNamespacedDeployment({
    name: victim,
    namespace,
    body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'podinfo:2' }],
  });
  let newRevisionWaitSeconds = NaN;
  while (Date.now() - shipped < 300_000) {
    const c = (await admin.custom.getNamespacedCustomObject({
      group: 'aviary.dev',
      version: 'v1beta1',
      namespace,
      plural: 'canaries',
      name: victim,
    })) as {
      status?: { phase?: string };
    };
    if (c.status?.phase === 'Progressing') {
      newRevisionWaitSeconds = (Date.now() - shipped) / 1000;
      break;
    }
    await sleep(250);
  }

  const final = await scrape();
  const all = histogramBuckets(final, TICKS);
  const heapUsed = Number(/^aviary_nodejs_heap_size_used_bytes (\S+)/m.exec(final)?.[1] ?? NaN);
  const stats = procStats(controller.pid as number);
  await stopController(controller);
  let restart: Restart | undefined;
  if (!values['no-restart']) {
    process.stderr.write(`[${n}] restarting the controller on ${namespace}\n`);
    restart = await measureRestart(kubeconfig, saKubeconfig, namespace, n);
  }
  await admin.core.deleteNamespace({ name: namespace }).catch(() => undefined);
  return {
    canaries: n,
    initializedSeconds,
    p50ms: histogramQuantile(all, 0.5) * 1000,
    p99ms: histogramQuantile(all, 0.99) * 1000,
    idleTicks: Math.max(0, ...idle.values()),
    idleP50ms: histogramQuantile(idle, 0.5) * 1000,
    idleP99ms: histogramQuantile(idle, 0.99) * 1000,
    rssMiB: stats.rssMiB,
    heapMiB: heapUsed / 2 ** 20,
    cpuSeconds: stats.cpuSeconds,
    cpuSettledPerMinute: (cpuSettled * 60) / settleSeconds,
    apiPerSecondSettled,
    newRevisionWaitSeconds,
    ...(restart ? { restart } : {}),
  };
}

function loadConfig(file: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(file);
  return config;
}

const { kubeconfig } = await clusterUp();
const rows: Row[] = [];
for (const n of sizes) rows.push(await measure(n, kubeconfig));

const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const restartColumns = values['no-restart']
  ? ''
  : ' restart: peak RSS (MiB) | restart: all reconciled again after (s) | restart: API requests until then |';
console.log(
  `| canaries | all Initialized (s) | reconcile p50 / p99, whole run (ms) | idle ticks in window | idle tick p50 / p99 (ms) | RSS / heap used (MiB) | CPU (s) total | CPU s per minute idle | API req/s idle | new revision acted on after (s) |${restartColumns}`,
);
console.log(
  `|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|${values['no-restart'] ? '' : '---:|---:|---|'}`,
);
for (const r of rows) {
  const restart = r.restart
    ? ` ${f(r.restart.peakRssMiB, 0)} | ${Number.isFinite(r.restart.allTickedSeconds) ? f(r.restart.allTickedSeconds) : `not reached (${r.restart.ticked} of ${r.canaries})`} | ${r.restart.requestsByVerb} |`
    : '';
  console.log(
    `| ${r.canaries} | ${f(r.initializedSeconds)} | ${f(r.p50ms)} / ${f(r.p99ms)} | ${r.idleTicks} | ${f(r.idleP50ms)} / ${f(r.idleP99ms)} | ${f(r.rssMiB, 0)} / ${f(r.heapMiB, 0)} | ${f(r.cpuSeconds)} | ${f(r.cpuSettledPerMinute, 2)} | ${f(r.apiPerSecondSettled)} | ${f(r.newRevisionWaitSeconds, 2)} |${restart}`,
  );
}
