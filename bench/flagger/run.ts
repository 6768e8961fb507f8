/**
 * The real Flagger (v1.36.1, scripts/components/flagger) beside `aviary controller` on the dev cluster's
 * real control plane, the same Prometheus and the same Istio-shaped traffic. Not a test.
 *
 * 1. Decision time: for a bad canary (5% errors against the primary's 0.1%) and a good one (0.1%), the
 *    time from `kubectl set image` to Failed (rollback) or Succeeded (promotion), at 50 req/s split by
 *    the VirtualService's weights (so 5 req/s at 10%). Flagger at its documented defaults, Flagger at its
 *    fastest honest setting, and Aviary's judge. All six releases run at once, each in its own namespace
 *    with its own controller.
 * 2. Scale: N idle canaries (Initialized, no release) per controller, one controller at a time: time to
 *    all Initialized, then over a settled window the controller's CPU seconds, RSS and API requests per
 *    second (the API server's audit log; Flagger runs as its own ServiceAccount so its requests can be
 *    told apart).
 *
 *   npx tsx bench/flagger/run.ts [--scale 100] [--settle 60] [--skip-decisions] [--policies aviary,flagger-fast]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { makeClients, type KubeClients } from '../../src/kube/client.js';
import { auditRecords } from '../../test/cluster/audit.js';
import { installControllerRbac, registerCrds, REPO_ROOT } from '../../test/cluster/install.js';
import type { KubeObject } from '../../test/cluster/objects.js';
import { spawnController } from '../../test/e2e/support/controller-process.js';
import { podinfoWorkload } from '../../test/e2e/support/manifests.js';
import { FLAGGER_VERSION, startFlagger } from '../../test/flagger/flagger-process.js';
import { startExporter, startPrometheus } from '../../test/prometheus/index.js';
import { startWeightedTraffic } from './traffic.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '100' },
    settle: { type: 'string', default: '60' },
    'skip-decisions': { type: 'boolean', default: false },
    /** Decision-time policies to run (ids, comma-separated); default all. */
    policies: { type: 'string', default: '' },
  },
});
const scaleSizes = values.scale.split(',').filter(Boolean).map(Number);
const settleSeconds = Number(values.settle);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const NEW_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.0.1';
const AVIARY_USER = 'system:serviceaccount:aviary-system:aviary';
const FLAGGER_SA = 'flagger-bench';
const FLAGGER_USER = `system:serviceaccount:aviary-system:${FLAGGER_SA}`;

type Controller = 'flagger' | 'aviary';

interface Cluster {
  kubeconfig: string;
  bin: string;
  admin: KubeClients;
  kubectl(args: string[], stdin?: string): string;
  /** `kubectl apply` of the objects as one List. */
  apply(items: unknown[]): string;
}

function clusterUp(): Cluster {
  const out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts/dev-cluster.sh'), 'up'], {
    encoding: 'utf8',
  });
  const kubeconfig = /export KUBECONFIG=(\S+)/.exec(out)?.[1];
  const bin = /export PATH=([^:\s]+):/.exec(out)?.[1];
  if (!kubeconfig || !bin) throw new Error(`dev-cluster.sh up printed no exports: ${out}`);
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const kubectl = (args: string[], stdin?: string) =>
    execFileSync(path.join(bin, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], {
      encoding: 'utf8',
      input: stdin,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
  return {
    kubeconfig,
    bin,
    admin: makeClients(config),
    kubectl,
    apply: (items) =>
      kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items })),
  };
}

/** Flagger's own identity (cluster-admin, as its Helm chart grants), so the audit log tells it apart. */
function flaggerKubeconfig(cluster: Cluster): string {
  cluster.apply([
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: FLAGGER_SA, namespace: 'aviary-system' },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: FLAGGER_SA },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: FLAGGER_SA, namespace: 'aviary-system' }],
    },
  ]);
  return serviceAccountKubeconfig(FLAGGER_SA);
}

function serviceAccountKubeconfig(name: string): string {
  const file = path.join(os.tmpdir(), `bench-flagger-${name}-${process.pid}.kubeconfig`);
  execFileSync(
    'bash',
    [path.join(REPO_ROOT, 'scripts/dev-cluster.sh'), 'kubeconfig-for', 'aviary-system', name, file],
    {
      stdio: 'ignore',
    },
  );
  return file;
}

/**
 * Room for `pods` more pods on each fake node: the dev cluster's nodes take 110 pods like a kubelet's
 * default, shared with whatever else runs there; raised (never lowered), as bench/controller does.
 */
function makeRoom(cluster: Cluster, pods: number): void {
  const nodes = JSON.parse(cluster.kubectl(['get', 'nodes', '-o', 'json'])) as {
    items: { metadata: { name: string }; status?: { capacity?: { pods?: string } } }[];
  };
  for (const node of nodes.items) {
    const want = 110 + pods;
    if (Number(node.status?.capacity?.pods ?? 0) >= want) continue;
    const room = { pods: String(want) };
    cluster.kubectl([
      'patch',
      `node/${node.metadata.name}`,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { capacity: room, allocatable: room } }),
    ]);
  }
}

interface Running {
  pid: number;
  stop(): Promise<void>;
}

async function startController(
  controller: Controller,
  kubeconfigs: Record<Controller, string>,
  namespace: string,
  metricsServer: string,
): Promise<Running> {
  if (controller === 'flagger') {
    const f = await startFlagger({ kubeconfig: kubeconfigs.flagger, namespace, metricsServer });
    return { pid: f.pid, stop: () => f.stop() };
  }
  // Aviary's default interval floor is Flagger's (10 s): no --min-interval here.
  const a = spawnController({
    kubeconfig: kubeconfigs.aviary,
    namespace,
    metricsServer,
    extraArgs: ['--min-interval', '10s'],
  });
  return { pid: a.pid, stop: () => a.kill('SIGTERM') };
}

// ---------------------------------------------------------------------------------------------------
// 1. Decision time

interface Policy {
  id: string;
  name: string;
  controller: Controller;
  analysis: Record<string, unknown>;
}

/** The Istio tutorial's success-rate check (latency is not what this race is about). */
const successRate = (interval: string) => ({
  name: 'request-success-rate',
  thresholdRange: { min: 99 },
  interval,
});

/** Aviary's sequential judge on the error rate, against the primary over the same window. */
const judge = { name: 'request-success-rate', interval: '1m', compareWithPrimary: { maxIncrease: 1 } };

const POLICIES: Policy[] = [
  {
    id: 'flagger-default',
    name: 'Flagger, documented defaults (1m interval, threshold 5, success rate >= 99 over 1m)',
    controller: 'flagger',
    analysis: { interval: '1m', threshold: 5, stepWeight: 10, maxWeight: 50, metrics: [successRate('1m')] },
  },
  {
    // 10 s is Flagger's floor. Threshold 2 over a 1m window: at 5 canary req/s a 10 s window holds ~50
    // requests, where one error (0.1% primary-like canary: ~5% chance per check) already reads < 99%,
    // so threshold 1 on 10 s windows rolls back healthy canaries (bench/analysis: 94.5% of A/A runs).
    id: 'flagger-fast',
    name: 'Flagger, fastest honest (10s interval, threshold 2, success rate >= 99 over 1m)',
    controller: 'flagger',
    analysis: { interval: '10s', threshold: 2, stepWeight: 10, maxWeight: 50, metrics: [successRate('1m')] },
  },
  {
    id: 'aviary',
    name: "Aviary's judge (10s interval, error rate vs primary, margin 1pp, alpha 0.05), maxInconclusive default (the progress deadline: 60 intervals)",
    controller: 'aviary',
    analysis: { interval: '10s', threshold: 5, stepWeight: 10, maxWeight: 50, metrics: [judge] },
  },
  {
    // At 5 canary req/s the judge needs ~1,000 canary requests to place a healthy canary within 1pp of
    // the primary: more than 5 inconclusive 10 s ticks. 30 ticks (5 minutes) leave it room.
    id: 'aviary-patient',
    name: "Aviary's judge, same, maxInconclusive 30",
    controller: 'aviary',
    analysis: {
      interval: '10s',
      threshold: 5,
      maxInconclusive: 30,
      stepWeight: 10,
      maxWeight: 50,
      metrics: [judge],
    },
  },
];

function selectedPolicies(): Policy[] {
  const ids = values.policies.split(',').filter(Boolean);
  const unknown = ids.filter((id) => !POLICIES.some((p) => p.id === id));
  if (unknown.length > 0)
    throw new Error(`--policies: unknown ${unknown.join(', ')}; use ${POLICIES.map((p) => p.id).join(', ')}`);
  return ids.length === 0 ? POLICIES : POLICIES.filter((p) => ids.includes(p.id));
}

/** An Istio Canary over Deployment `name` (and its HPA of the same name, for podinfo). */
function canaryObject(
  controller: Controller,
  namespace: string,
  analysis: Record<string, unknown>,
  name = 'podinfo',
): KubeObject {
  return {
    apiVersion: `${controller === 'flagger' ? 'flagger.app' : 'aviary.dev'}/v1beta1`,
    kind: 'Canary',
    metadata: { name, namespace },
    spec: {
      provider: 'istio',
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      ...(name === 'podinfo'
        ? { autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name } }
        : {}),
      progressDeadlineSeconds: 600,
      service: { port: 9898, targetPort: 9898 },
      analysis,
    },
  };
}

async function phaseOf(cluster: Cluster, controller: Controller, namespace: string, name: string) {
  const canary = (await cluster.admin.custom
    .getNamespacedCustomObject({
      group: controller === 'flagger' ? 'flagger.app' : 'aviary.dev',
      version: 'v1beta1',
      namespace,
      plural: 'canaries',
      name,
    })
    .catch(() => undefined)) as { status?: { phase?: string } } | undefined;
  return canary?.status?.phase;
}

async function until(what: string, deadline: number, probe: () => Promise<boolean>): Promise<void> {
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

interface Decision {
  policy: Policy;
  canary: 'bad' | 'good';
  expected: string;
  phase: string;
  seconds: number;
}

async function decisions(cluster: Cluster, kubeconfigs: Record<Controller, string>): Promise<Decision[]> {
  const exporter = await startExporter();
  const prometheus = await startPrometheus({ targets: [exporter.target], scrapeIntervalSeconds: 1 });
  const cleanup: (() => Promise<unknown>)[] = [() => prometheus.stop(), () => exporter.close()];
  try {
    const runs = selectedPolicies().flatMap((policy) =>
      (['bad', 'good'] as const).map(async (kind): Promise<Decision> => {
        const namespace = `bench-flagger-${policy.id}-${kind}-${Math.random().toString(36).slice(2, 6)}`;
        await cluster.admin.core.createNamespace({ body: { metadata: { name: namespace } } });
        cleanup.push(() => cluster.admin.core.deleteNamespace({ name: namespace }));
        const controller = await startController(policy.controller, kubeconfigs, namespace, prometheus.url);
        cleanup.push(() => controller.stop());
        const traffic = startWeightedTraffic(cluster.admin, exporter, {
          namespace,
          app: 'podinfo',
          rps: 50,
          primaryErrorRate: 0.001,
          canaryErrorRate: kind === 'bad' ? 0.05 : 0.001,
        });
        cleanup.push(async () => traffic.stop());
        cluster.apply([
          ...podinfoWorkload(namespace),
          canaryObject(policy.controller, namespace, policy.analysis),
        ]);
        await until(
          `${namespace} Initialized`,
          Date.now() + 300_000,
          async () => (await phaseOf(cluster, policy.controller, namespace, 'podinfo')) === 'Initialized',
        );
        // A minute of primary traffic in Prometheus before the release, as in a running system.
        await sleep(60_000);
        const start = Date.now();
        cluster.kubectl(['-n', namespace, 'set', 'image', 'deployment/podinfo', `podinfod=${NEW_IMAGE}`]);
        let phase = '';
        await until(`${namespace} to finish`, start + 30 * 60_000, async () => {
          phase = (await phaseOf(cluster, policy.controller, namespace, 'podinfo')) ?? '';
          return phase === 'Failed' || phase === 'Succeeded';
        });
        const seconds = (Date.now() - start) / 1000;
        process.stderr.write(`[decision] ${policy.id} ${kind}: ${phase} after ${seconds.toFixed(0)} s\n`);
        return { policy, canary: kind, expected: kind === 'bad' ? 'Failed' : 'Succeeded', phase, seconds };
      }),
    );
    return await Promise.all(runs);
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------
// 2. Scale

function procStats(pid: number): { rssMiB: number; cpuSeconds: number } {
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, counted after the ") " that ends comm.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssMiB: rssKiB / 1024, cpuSeconds: ticks / 100 };
}

interface ScaleRow {
  controller: Controller;
  canaries: number;
  initializedSeconds: number;
  cpuSecondsSettled: number;
  cpuSecondsTotal: number;
  rssMiB: number;
  apiPerSecond: number;
}

function idleWorkload(namespace: string, name: string): KubeObject[] {
  const labels = { app: name };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'podinfo:1' }] } },
      },
    },
  ];
}

async function scale(
  cluster: Cluster,
  kubeconfigs: Record<Controller, string>,
  controller: Controller,
  n: number,
  metricsServer: string,
): Promise<ScaleRow> {
  const namespace = `bench-flagger-scale-${controller}-${n}-${Math.random().toString(36).slice(2, 6)}`;
  await cluster.admin.core.createNamespace({ body: { metadata: { name: namespace } } });
  try {
    const names = Array.from({ length: n }, (_, i) => `app-${i}`);
    const analysis = {
      interval: '1m',
      threshold: 5,
      stepWeight: 10,
      maxWeight: 50,
      metrics: [successRate('1m')],
    };
    for (let i = 0; i < names.length; i += 50) {
      const batch = names.slice(i, i + 50);
      const items = batch.flatMap((name) => [
        ...idleWorkload(namespace, name),
        canaryObject(controller, namespace, analysis, name),
      ]);
      cluster.apply(items);
    }
    const start = Date.now();
    const running = await startController(controller, kubeconfigs, namespace, metricsServer);
    try {
      const group = controller === 'flagger' ? 'flagger.app' : 'aviary.dev';
      await until(`${n} ${controller} canaries Initialized`, start + 30 * 60_000, async () => {
        const list = (await cluster.admin.custom.listNamespacedCustomObject({
          group,
          version: 'v1beta1',
          namespace,
          plural: 'canaries',
        })) as { items: { status?: { phase?: string } }[] };
        return list.items.filter((c) => c.status?.phase === 'Initialized').length === n;
      });
      const initializedSeconds = (Date.now() - start) / 1000;
      // One interval for the last initialization writes to pass, then the settled window.
      await sleep(60_000);
      const before = procStats(running.pid);
      const windowStart = new Date();
      await sleep(settleSeconds * 1000);
      const after = procStats(running.pid);
      const windowEnd = new Date();
      const user = controller === 'flagger' ? FLAGGER_USER : AVIARY_USER;
      const requests = auditRecords(cluster.kubeconfig, user, windowStart).filter(
        (r) => new Date(r.received) <= windowEnd && (r.namespace === undefined || r.namespace === namespace),
      ).length;
      const row: ScaleRow = {
        controller,
        canaries: n,
        initializedSeconds,
        cpuSecondsSettled: after.cpuSeconds - before.cpuSeconds,
        cpuSecondsTotal: after.cpuSeconds,
        rssMiB: after.rssMiB,
        apiPerSecond: requests / settleSeconds,
      };
      process.stderr.write(`[scale] ${JSON.stringify(row)}\n`);
      return row;
    } finally {
      await running.stop();
    }
  } finally {
    await cluster.admin.core.deleteNamespace({ name: namespace }).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------

const f = (x: number, digits = 1) => x.toFixed(digits);

async function main(): Promise<void> {
  const cluster = clusterUp();
  await registerCrds(cluster.kubeconfig, cluster.bin);
  await installControllerRbac(cluster.kubeconfig, cluster.bin);
  const kubeconfigs = { flagger: flaggerKubeconfig(cluster), aviary: serviceAccountKubeconfig('aviary') };
  const started = new Date().toISOString();
  const loadBefore = os.loadavg()[0]!;

  const out: string[] = [`Flagger ${FLAGGER_VERSION} beside Aviary, ${started}, ${os.cpus().length} CPUs`];
  if (!values['skip-decisions']) {
    const rows = await decisions(cluster, kubeconfigs);
    const time = (id: string, kind: string) => rows.find((r) => r.policy.id === id && r.canary === kind);
    out.push(
      '',
      '| policy | bad canary: release to rollback | good canary: release to promotion |',
      '|---|---:|---:|',
      ...selectedPolicies().map((p) => {
        const cell = (kind: string) => {
          const r = time(p.id, kind)!;
          return `${f(r.seconds, 0)} s${r.phase === r.expected ? '' : ` (${r.phase}!)`}`;
        };
        return `| ${p.name} | ${cell('bad')} | ${cell('good')} |`;
      }),
      '',
      '| ratio (time / time) | rollback | promotion |',
      '|---|---:|---:|',
      ...['flagger-default', 'flagger-fast'].flatMap((flaggerId) =>
        ['aviary', 'aviary-patient']
          // Only pairs that both ran (--policies may leave some out).
          .filter((aviaryId) => time(flaggerId, 'bad') && time(aviaryId, 'bad'))
          .map((aviaryId) => {
            // A ratio only means something when both reached the right verdict.
            const ratio = (kind: string) => {
              const [a, b] = [time(flaggerId, kind)!, time(aviaryId, kind)!];
              return a.phase === a.expected && b.phase === b.expected
                ? `${f(a.seconds / b.seconds, 2)}x`
                : 'n/a';
            };
            return `| ${flaggerId} / ${aviaryId} | ${ratio('bad')} | ${ratio('good')} |`;
          }),
      ),
    );
  }

  if (scaleSizes.length > 0) {
    // Each idle canary holds its target's pod until initialized and then its primary's: 2 at peak.
    makeRoom(cluster, 2 * Math.max(...scaleSizes));
    const exporter = await startExporter();
    const prometheus = await startPrometheus({ targets: [exporter.target], scrapeIntervalSeconds: 5 });
    const rows: ScaleRow[] = [];
    try {
      for (const n of scaleSizes)
        for (const controller of ['flagger', 'aviary'] as const)
          rows.push(await scale(cluster, kubeconfigs, controller, n, prometheus.url));
    } finally {
      await prometheus.stop();
      await exporter.close();
    }
    out.push(
      '',
      `| controller | canaries | to all Initialized | CPU s in ${settleSeconds} s settled | CPU s total | RSS MiB | API req/s settled |`,
      '|---|---:|---:|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.controller} | ${r.canaries} | ${f(r.initializedSeconds)} s | ${f(r.cpuSecondsSettled, 2)} | ${f(r.cpuSecondsTotal)} | ${f(r.rssMiB, 0)} | ${f(r.apiPerSecond, 2)} |`,
      ),
      '',
      '| ratio flagger / aviary | canaries | to all Initialized | CPU s settled | RSS | API req/s |',
      '|---|---:|---:|---:|---:|---:|',
      ...scaleSizes.map((n) => {
        const fl = rows.find((r) => r.controller === 'flagger' && r.canaries === n)!;
        const av = rows.find((r) => r.controller === 'aviary' && r.canaries === n)!;
        const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : `${f(a / b, 2)}x`);
        return `| | ${n} | ${ratio(fl.initializedSeconds, av.initializedSeconds)} | ${ratio(fl.cpuSecondsSettled, av.cpuSecondsSettled)} | ${ratio(fl.rssMiB, av.rssMiB)} | ${ratio(fl.apiPerSecond, av.apiPerSecond)} |`;
      }),
    );
  }
  out.push('', `load average (1 min) at start ${f(loadBefore, 1)}, at end ${f(os.loadavg()[0]!, 1)}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench/flagger: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
