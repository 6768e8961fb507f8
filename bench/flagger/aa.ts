/**
 * A/A releases with the real controllers: the canary is the primary again (0.1% errors both, the same
 * latency), so every release that is not promoted is a false alarm. Each slot is one namespace with its
 * own controller and traffic (as the decision-time race isolates its releases), releasing again and
 * again until the time budget is spent; a slot's releases run one after another, the slots at once.
 */
import { podinfoWorkload } from '../../test/e2e/support/manifests.js';
import type { Exporter } from '../../test/prometheus/index.js';
import { canaryOf, type Cluster, type Controller, sleep, startController, until } from './cluster.js';
import { canaryObject, type Policy } from './policies.js';
import { startWeightedTraffic } from './traffic.js';

/**
 * How a release ended: promoted; rolled back after its failed-check threshold; stopped for
 * insufficient traffic (Aviary: the judge stayed inconclusive for maxInconclusive intervals); rolled back
 * for another cause (a progress deadline: the cluster too slow to roll the canary out); or still running
 * at the bench's own deadline.
 */
export type AaOutcome =
  'promoted' | 'failed checks' | 'insufficient traffic' | 'other rollback' | 'did not finish';

export interface AaRelease {
  policy: string;
  namespace: string;
  outcome: AaOutcome;
  /** From `kubectl set image` to Succeeded or Failed. */
  seconds: number;
  /** Why a release was not promoted: the controller's rollback event or status.failureReason. */
  why?: string;
}

export interface AaOptions {
  policies: Policy[];
  /** Namespaces (controllers) per policy id running releases at once. */
  slots: Record<string, number>;
  /** At most this many releases per policy. */
  maxReleases: number;
  /** No release starts after this many minutes from the first release. */
  minutes: number;
  metricsServer: string;
  exporter: Exporter;
}

/** Between a slot's releases: the last canary traffic leaves the 1m windows the checks read. */
const PAUSE_MS = 30_000;
const TERMINAL = new Set(['Succeeded', 'Failed']);

interface EventView {
  message?: string;
  lastTimestamp?: string | Date;
  eventTime?: string | Date;
}

/**
 * Why the release that started at `since` was rolled back: Aviary writes it to status.failureReason;
 * Flagger only says it in its "Rolling back <name>.<ns> ..." event (Aviary's events read the same).
 */
async function rollbackReason(
  cluster: Cluster,
  controller: Controller,
  namespace: string,
  since: number,
): Promise<string> {
  const reason = (await canaryOf(cluster, controller, namespace, 'podinfo'))?.status?.failureReason;
  if (reason) return reason;
  const events = (await cluster.admin.core.listNamespacedEvent({ namespace })).items as EventView[];
  const at = (e: EventView) => new Date(e.lastTimestamp ?? e.eventTime ?? 0).getTime();
  const rollbacks = events
    .filter((e) => e.message?.startsWith('Rolling back') && at(e) >= since - 2000)
    .sort((a, b) => at(b) - at(a));
  return rollbacks[0]?.message ?? 'no rollback event found';
}

function outcomeOf(phase: string, why: string | undefined): AaOutcome {
  if (phase === 'Succeeded') return 'promoted';
  if (/insufficient traffic/i.test(why ?? '')) return 'insufficient traffic';
  if (/failed checks threshold/i.test(why ?? '')) return 'failed checks';
  return 'other rollback';
}

/** Counts releases per policy across slots, so the budget in releases is shared by a policy's slots. */
class Budget {
  private readonly started = new Map<string, number>();
  constructor(
    private readonly maxReleases: number,
    private readonly deadline: number,
  ) {}
  take(policy: string): boolean {
    const n = this.started.get(policy) ?? 0;
    if (n >= this.maxReleases || Date.now() > this.deadline) return false;
    this.started.set(policy, n + 1);
    return true;
  }
}

async function slot(
  cluster: Cluster,
  kubeconfigs: Record<Controller, string>,
  policy: Policy,
  index: number,
  options: AaOptions,
  budget: () => Budget,
  results: AaRelease[],
): Promise<void> {
  const namespace = `bench-flagger-aa-${policy.id}-${index}-${Math.random().toString(36).slice(2, 6)}`;
  await cluster.admin.core.createNamespace({ body: { metadata: { name: namespace } } });
  const controller = await startController(
    policy.controller,
    kubeconfigs,
    namespace,
    options.metricsServer,
  ).catch(async (err: unknown) => {
    await cluster.admin.core.deleteNamespace({ name: namespace }).catch(() => undefined);
    throw err;
  });
  const traffic = startWeightedTraffic(cluster.admin, options.exporter, {
    namespace,
    app: 'podinfo',
    rps: 50,
    primaryErrorRate: 0.001,
    canaryErrorRate: 0.001,
  });
  const phase = async () =>
    (await canaryOf(cluster, policy.controller, namespace, 'podinfo'))?.status?.phase ?? '';
  try {
    cluster.apply([
      ...podinfoWorkload(namespace),
      canaryObject(policy.controller, namespace, policy.analysis),
    ]);
    await until(
      `${namespace} Initialized`,
      Date.now() + 15 * 60_000,
      async () => (await phase()) === 'Initialized',
    );
    // A minute of primary traffic in Prometheus before the first release, as in a running system.
    await sleep(60_000);
    for (let release = 1; budget().take(policy.id); release++) {
      const start = Date.now();
      // A new tag each time: every release is a new revision for both controllers, whatever came before.
      cluster.kubectl([
        '-n',
        namespace,
        'set',
        'image',
        'deployment/podinfo',
        `podinfod=ghcr.io/stefanprodan/podinfo:6.1.${release}`,
      ]);
      let last = '';
      try {
        // Started (no longer showing the previous release's end), then finished.
        await until(`${namespace} release ${release} to start`, start + 10 * 60_000, async () => {
          last = await phase();
          return !TERMINAL.has(last) && last !== 'Initialized';
        });
        await until(`${namespace} release ${release} to finish`, start + 25 * 60_000, async () => {
          last = await phase();
          return TERMINAL.has(last);
        });
      } catch (err) {
        const why = `${err instanceof Error ? err.message : String(err)} (phase ${last || 'unknown'})`;
        results.push({ policy: policy.id, namespace, outcome: 'did not finish', seconds: NaN, why });
        process.stderr.write(`[aa] ${policy.id} ${namespace} #${release}: did not finish: ${why}\n`);
        return; // the slot's state is unknown: no more releases from it
      }
      const seconds = (Date.now() - start) / 1000;
      const why =
        last === 'Failed' ? await rollbackReason(cluster, policy.controller, namespace, start) : undefined;
      const outcome = outcomeOf(last, why);
      results.push({ policy: policy.id, namespace, outcome, seconds, why });
      process.stderr.write(
        `[aa] ${policy.id} ${namespace} #${release}: ${outcome} after ${seconds.toFixed(0)} s${why ? `: ${why}` : ''}\n`,
      );
      await sleep(PAUSE_MS);
    }
  } finally {
    traffic.stop();
    await controller.stop().catch(() => undefined);
    await cluster.admin.core.deleteNamespace({ name: namespace }).catch(() => undefined);
  }
}

/**
 * Runs the slots until the budget is spent and every started release has finished. The clock starts
 * at the first release (after that slot's initialization and minute of primary traffic).
 */
export async function aaReleases(
  cluster: Cluster,
  kubeconfigs: Record<Controller, string>,
  options: AaOptions,
): Promise<{ releases: AaRelease[]; slotErrors: string[] }> {
  const releases: AaRelease[] = [];
  const slotErrors: string[] = [];
  let shared: Budget | undefined;
  const budget = () => (shared ??= new Budget(options.maxReleases, Date.now() + options.minutes * 60_000));
  const runs = options.policies.flatMap((policy) =>
    Array.from({ length: options.slots[policy.id] ?? 0 }, (_, i) =>
      // A slot that fails before or between releases loses only its own later releases.
      slot(cluster, kubeconfigs, policy, i, options, budget, releases).catch((err: unknown) => {
        slotErrors.push(`${policy.id} slot ${i}: ${err instanceof Error ? err.message : String(err)}`);
      }),
    ),
  );
  await Promise.all(runs);
  return { releases, slotErrors };
}
