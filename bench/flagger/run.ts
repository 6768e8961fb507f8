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
 * 3. A/A releases (`--aa N`): the canary identical to the primary, released again and again with each
 *    policy for `--aa-minutes`, several namespaces per policy at once (`--aa-slots`): how many are
 *    promoted, rolled back by a failed check, or stopped for insufficient traffic (bench/flagger/aa.ts).
 *
 *   npx tsx bench/flagger/run.ts [--scale 100] [--settle 60] [--init-timeout 30] [--scale-controllers flagger,aviary]
 *     [--skip-decisions] [--policies aviary,flagger-fast]
 *     [--aa 40 --aa-minutes 25 --aa-slots flagger-default=3,flagger-fast=2,aviary=3]
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { isNotFound } from '../../src/kube/failure.js';
import { auditRecords } from '../../test/cluster/audit.js';
import { installControllerRbac, registerCrds } from '../../test/cluster/install.js';
import type { KubeObject } from '../../test/cluster/objects.js';
import { podinfoWorkload } from '../../test/e2e/support/manifests.js';
import { FLAGGER_VERSION } from '../../test/flagger/flagger-process.js';
import { startExporter, startPrometheus } from '../../test/prometheus/index.js';
import {
  clusterUp,
  type Cluster,
  type Controller,
  FLAGGER_SA,
  flaggerKubeconfig,
  phaseOf,
  serviceAccountKubeconfig,
  sleep,
  startController,
  until,
} from './cluster.js';
import { aaReleases } from './aa.js';
import { aaTable } from './aa-report.js';
import { canaryObject, type Policy, selectPolicies, successRate } from './policies.js';
import { startWeightedTraffic } from './traffic.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '100' },
    settle: { type: 'string', default: '60' },
    /** Scale: minutes to wait for all N Initialized; past it the window is measured while initializing. */
    'init-timeout': { type: 'string', default: '30' },
    /**
     * Scale: which controllers, in order. One alone lets each run on a fresh cluster: on this 2-core
     * machine Flagger's thousand concurrent Service creates left the API server timing out every Service
     * create and delete, for whatever ran after it.
     */
    'scale-controllers': { type: 'string', default: 'flagger,aviary' },
    'skip-decisions': { type: 'boolean', default: false },
    /** Decision-time and A/A policies to run (ids, comma-separated); default all. */
    policies: { type: 'string', default: '' },
    /** A/A releases: at most this many per policy (0: none). */
    aa: { type: 'string', default: '0' },
    /** A/A releases: no release starts after this many minutes. */
    'aa-minutes': { type: 'string', default: '25' },
    /** A/A releases: namespaces (controllers) per policy at once, `2` or `flagger-default=3,aviary=2`. */
    'aa-slots': { type: 'string', default: '2' },
  },
});
const scaleSizes = values.scale.split(',').filter(Boolean).map(Number);
const settleSeconds = Number(values.settle);
const initTimeoutMinutes = Number(values['init-timeout']);
const scaleControllers = values['scale-controllers'].split(',').map((c) => {
  if (c !== 'flagger' && c !== 'aviary')
    throw new Error(`--scale-controllers: "${c}" is not flagger or aviary (e.g. --scale-controllers aviary)`);
  return c as Controller;
});

const NEW_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.0.1';
const AVIARY_USER = 'system:serviceaccount:aviary-system:aviary';
const FLAGGER_USER = `system:serviceaccount:aviary-system:${FLAGGER_SA}`;

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

// ---------------------------------------------------------------------------------------------------
// 1. Decision time

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
    const runs = selectPolicies(values.policies).flatMap((policy) =>
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
  /** Undefined when not all were Initialized within --init-timeout: the window then ran while initializing. */
  initializedSeconds: number | undefined;
  /** How many were Initialized when the window started. */
  initializedCount: number;
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
      let initializedCount = 0;
      let initializedSeconds: number | undefined;
      try {
        await until(
          `${n} ${controller} canaries Initialized`,
          start + initTimeoutMinutes * 60_000,
          async () => {
            const list = (await cluster.admin.custom.listNamespacedCustomObject({
              group,
              version: 'v1beta1',
              namespace,
              plural: 'canaries',
            })) as { items: { status?: { phase?: string } }[] };
            initializedCount = list.items.filter((c) => c.status?.phase === 'Initialized').length;
            return initializedCount === n;
          },
          // Every 2 s: a list of 1,000 canaries every 0.5 s would load the API server being measured.
          2000,
        );
        initializedSeconds = (Date.now() - start) / 1000;
        // One interval for the last initialization writes to pass, then the settled window.
        await sleep(60_000);
      } catch (err) {
        // A loaded API server can keep initialization from finishing: say how far it got and measure
        // the controller as it is, rather than losing the sizes already run.
        process.stderr.write(`[scale] ${err instanceof Error ? err.message : String(err)}\n`);
      }
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
        initializedCount,
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
    // Gone before the next controller starts: deleting a thousand canaries' Deployments and Services
    // would otherwise load the API server while the next one is measured.
    await until(
      `namespace ${namespace} to be deleted`,
      Date.now() + 10 * 60_000,
      () =>
        cluster.admin.core.readNamespace({ name: namespace }).then(
          () => false,
          (err: unknown) => {
            if (isNotFound(err)) return true;
            throw err;
          },
        ),
      2000,
    ).catch((err: unknown) => process.stderr.write(`[scale] ${String(err)}\n`));
  }
}

// ---------------------------------------------------------------------------------------------------
// 3. A/A releases

/** `--aa-slots`: one number for every policy, or `id=n` pairs (policies not named get none). */
function aaSlots(policies: Policy[]): Record<string, number> {
  const spec = values['aa-slots'];
  if (/^\d+$/.test(spec)) return Object.fromEntries(policies.map((p) => [p.id, Number(spec)]));
  const slots: Record<string, number> = {};
  for (const pair of spec.split(',')) {
    const [id, n] = pair.split('=');
    if (!policies.some((p) => p.id === id) || !/^\d+$/.test(n ?? ''))
      throw new Error(
        `--aa-slots: "${pair}" is not <policy>=<count> for a selected policy (${policies.map((p) => p.id).join(', ')})`,
      );
    slots[id!] = Number(n);
  }
  return slots;
}

async function aa(cluster: Cluster, kubeconfigs: Record<Controller, string>): Promise<string[]> {
  const policies = selectPolicies(values.policies);
  const slots = aaSlots(policies);
  const exporter = await startExporter();
  const prometheus = await startPrometheus({ targets: [exporter.target], scrapeIntervalSeconds: 1 });
  const started = Date.now();
  try {
    const { releases, slotErrors } = await aaReleases(cluster, kubeconfigs, {
      policies,
      slots,
      maxReleases: Number(values.aa),
      minutes: Number(values['aa-minutes']),
      metricsServer: prometheus.url,
      exporter,
    });
    process.stderr.write(`[aa] releases ${JSON.stringify(releases)}\n`);
    return [
      `A/A releases with the real controllers (canary = primary, 0.1% errors, 50 req/s split by the VirtualService), slots ${JSON.stringify(slots)}, ${((Date.now() - started) / 60_000).toFixed(1)} min:`,
      '',
      ...aaTable(releases, policies),
      ...releases.filter((r) => r.why).map((r) => `- ${r.policy} ${r.namespace}: ${r.outcome}: ${r.why}`),
      ...slotErrors.map((e) => `- slot lost: ${e}`),
    ];
  } finally {
    await prometheus.stop();
    await exporter.close();
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
      ...selectPolicies(values.policies).map((p) => {
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

  if (Number(values.aa) > 0) out.push('', ...(await aa(cluster, kubeconfigs)));

  if (scaleSizes.length > 0) {
    // Each idle canary holds its target's pod until initialized and then its primary's: 2 at peak.
    makeRoom(cluster, 2 * Math.max(...scaleSizes));
    const exporter = await startExporter();
    const prometheus = await startPrometheus({ targets: [exporter.target], scrapeIntervalSeconds: 5 });
    const rows: ScaleRow[] = [];
    try {
      for (const n of scaleSizes)
        for (const controller of scaleControllers)
          rows.push(await scale(cluster, kubeconfigs, controller, n, prometheus.url));
    } finally {
      await prometheus.stop();
      await exporter.close();
    }
    out.push(
      '',
      `| controller | canaries | to all Initialized | CPU s in ${settleSeconds} s settled | CPU s total | RSS MiB | API req/s settled |`,
      '|---|---:|---:|---:|---:|---:|---:|',
      ...rows.map((r) => {
        const initialized =
          r.initializedSeconds === undefined
            ? `not reached: ${r.initializedCount} of ${r.canaries} in ${initTimeoutMinutes} min (window while initializing)`
            : `${f(r.initializedSeconds)} s`;
        return `| ${r.controller} | ${r.canaries} | ${initialized} | ${f(r.cpuSecondsSettled, 2)} | ${f(r.cpuSecondsTotal)} | ${f(r.rssMiB, 0)} | ${f(r.apiPerSecond, 2)} |`;
      }),
      '',
      '| ratio flagger / aviary | canaries | to all Initialized | CPU s settled | RSS | API req/s |',
      '|---|---:|---:|---:|---:|---:|',
      ...scaleSizes.flatMap((n) => {
        const fl = rows.find((r) => r.controller === 'flagger' && r.canaries === n);
        const av = rows.find((r) => r.controller === 'aviary' && r.canaries === n);
        if (!fl || !av) return [];
        const ratio = (a: number | undefined, b: number | undefined) =>
          a === undefined || b === undefined || b === 0 ? 'n/a' : `${f(a / b, 2)}x`;
        // Settled cost only compares when both windows were idle.
        const idle = fl.initializedSeconds !== undefined && av.initializedSeconds !== undefined;
        const settled = (a: number, b: number) => (idle ? ratio(a, b) : 'n/a');
        return `| | ${n} | ${ratio(fl.initializedSeconds, av.initializedSeconds)} | ${settled(fl.cpuSecondsSettled, av.cpuSecondsSettled)} | ${settled(fl.rssMiB, av.rssMiB)} | ${settled(fl.apiPerSecond, av.apiPerSecond)} |`;
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
