/**
 * The operator: informers feed a registry of Canaries; while this replica holds the leader lease, one
 * loop per Canary runs the engine at the canary's analysis interval. Deployment changes poke the
 * canaries that target them, so a new revision starts without waiting a whole interval.
 */
import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import type { Server } from 'node:http';
import { analysisIntervalMs } from '../api/defaults.js';
import type { AlertProvider, Canary, MetricTemplate } from '../api/types.js';
import type { EnginePorts } from '../engine/ports.js';
import { GROUP, VERSION, type KubeClients } from '../kube/client.js';
import { canaryStore, FINALIZER } from '../kube/canary-store.js';
import { isNotFound } from '../kube/failure.js';
import { superviseInformer, type SupervisedInformer } from '../kube/informer.js';
import { LeaderElector } from '../kube/leader-election.js';
import { startControllerHttp } from './http-server.js';
import { ControllerMetrics } from './metrics.js';
import { CanaryScheduler } from './scheduler.js';

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export interface ReconcileOutcome {
  status: NonNullable<Canary['status']>;
  nextTickMs?: number;
}

export interface ControllerOptions {
  clients: KubeClients;
  /** Namespace to watch; empty = all namespaces. */
  namespace?: string;
  metricsAddress?: string;
  leaderElection?: {
    namespace: string;
    name?: string;
    identity: string;
    leaseDurationSeconds?: number;
    retryPeriodMs?: number;
  };
  /** Floor for the analysis interval (Flagger: 10 s); tests lower it. */
  minimumIntervalMs?: number;
  log: Logger;
  /** Builds the engine's ports for one Canary (router by provider, metric source, hooks, alerts, ...). */
  portsFor(canary: Canary, lookups: ControllerLookups): EnginePorts;
  /** The engine's reconcile. */
  reconcile(canary: Canary, ports: EnginePorts): Promise<ReconcileOutcome>;
}

/** What the informer caches answer for a Canary's references. */
export interface ControllerLookups {
  metricTemplate(namespace: string, name: string): MetricTemplate | undefined;
  alertProvider(namespace: string, name: string): AlertProvider | undefined;
}

export interface RunningController {
  readonly metrics: ControllerMetrics;
  readonly isLeader: boolean;
  /** The HTTP server, when metricsAddress was given. */
  readonly server: Server | undefined;
  stop(): Promise<void>;
}

export async function startController(options: ControllerOptions): Promise<RunningController> {
  const { clients, log } = options;
  const metrics = new ControllerMetrics();
  const store = canaryStore(clients);
  const namespaced = (plural: string, group = GROUP, version = VERSION) =>
    options.namespace
      ? `/apis/${group}/${version}/namespaces/${options.namespace}/${plural}`
      : `/apis/${group}/${version}/${plural}`;
  const listCustom = (plural: string) => async () =>
    (options.namespace
      ? await clients.custom.listNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: options.namespace,
          plural,
        })
      : await clients.custom.listClusterCustomObject({
          group: GROUP,
          version: VERSION,
          plural,
        })) as KubernetesListObject<KubernetesObject>;

  let leading = !options.leaderElection;
  const scheduler = new CanaryScheduler(
    (key) => reconcileKey(key),
    (message, err) => log.error({ err: String(err) }, message),
  );
  const resync = () => {
    if (!leading) return;
    const canaries = canaryInformer.list() as Canary[];
    scheduler.sync(
      canaries.map((c) => ({
        key: keyOf(c),
        intervalMs: analysisIntervalMs(c.spec.analysis, options.minimumIntervalMs),
      })),
    );
    const counts = new Map<string, number>();
    for (const c of canaries)
      counts.set(c.metadata.namespace ?? 'default', (counts.get(c.metadata.namespace ?? 'default') ?? 0) + 1);
    metrics.setTotals(counts);
  };

  const informerLog = (message: string) => log.warn(message);
  const seenGenerations = new Map<string, number>();
  const canaryInformer: SupervisedInformer<KubernetesObject> = superviseInformer({
    clients,
    path: namespaced('canaries'),
    list: listCustom('canaries'),
    handlers: {
      onUpsert: (obj) => {
        resync();
        // Only spec changes run the canary early; our own status writes must not re-trigger it.
        const key = keyOf(obj as Canary);
        const generation = obj.metadata?.generation ?? 0;
        if (seenGenerations.get(key) !== generation) {
          seenGenerations.set(key, generation);
          scheduler.poke(key);
        }
      },
      onDelete: (obj) => {
        seenGenerations.delete(keyOf(obj as Canary));
        preflighted.delete(keyOf(obj as Canary));
        resync();
      },
    },
    log: informerLog,
  });
  const templates = superviseInformer({
    clients,
    path: namespaced('metrictemplates'),
    list: listCustom('metrictemplates'),
    handlers: { onUpsert: () => {}, onDelete: () => {} },
    log: informerLog,
  });
  const alertProviders = superviseInformer({
    clients,
    path: namespaced('alertproviders'),
    list: listCustom('alertproviders'),
    handlers: { onUpsert: () => {}, onDelete: () => {} },
    log: informerLog,
  });
  const deployments = superviseInformer({
    clients,
    path: options.namespace
      ? `/apis/apps/v1/namespaces/${options.namespace}/deployments`
      : '/apis/apps/v1/deployments',
    list: async () =>
      (options.namespace
        ? await clients.apps.listNamespacedDeployment({ namespace: options.namespace })
        : await clients.apps.listDeploymentForAllNamespaces()) as KubernetesListObject<KubernetesObject>,
    handlers: {
      onUpsert: (deployment) => pokeTargetsOf(deployment),
      onDelete: () => {},
    },
    log: informerLog,
  });

  const lookups: ControllerLookups = {
    metricTemplate: (namespace, name) => templates.get(name, namespace) as MetricTemplate | undefined,
    alertProvider: (namespace, name) => alertProviders.get(name, namespace) as AlertProvider | undefined,
  };

  /**
   * A changed target starts a waiting canary at once. Canaries mid-analysis are left to their interval:
   * an extra tick there would advance the weight early (and our own scaling changes the target too).
   */
  function pokeTargetsOf(deployment: KubernetesObject): void {
    for (const c of canaryInformer.list() as Canary[]) {
      const idle = IDLE_PHASES.has(c.status?.phase ?? 'Initializing');
      const targeted =
        c.metadata.namespace === deployment.metadata?.namespace &&
        c.spec.targetRef.name === deployment.metadata?.name;
      if (idle && targeted) scheduler.poke(keyOf(c));
    }
  }

  async function reconcileKey(key: string): Promise<{ nextTickMs?: number } | void> {
    if (!leading) return;
    const [namespace, name] = key.split('/') as [string, string];
    let canary: Canary;
    try {
      // Always the API server's copy, not the cache: the status written last tick must be seen.
      canary = await store.get(namespace, name);
    } catch (err) {
      if (isNotFound((err as { cause?: unknown }).cause)) return;
      throw err;
    }
    const started = performance.now();
    const previous = canary.status?.phase;

    if (canary.metadata.deletionTimestamp) {
      if (!canary.metadata.finalizers?.includes(FINALIZER)) return;
      if (canary.spec.revertOnDeletion && previous !== 'Terminated') {
        await options.reconcile(canary, options.portsFor(canary, lookups));
      }
      await store.removeFinalizer(canary);
      log.info({ canary: key }, 'Terminated canary: finalizer removed');
      return;
    }
    if (canary.spec.revertOnDeletion) await store.addFinalizer(canary);
    else if (canary.metadata.finalizers?.includes(FINALIZER)) await store.removeFinalizer(canary);

    const ports = options.portsFor(canary, lookups);
    await preflight(key, canary, ports);
    const outcome = await options.reconcile(canary, ports);
    const phase = outcome.status.phase ?? 'Initializing';
    metrics.observeReconcile(name, namespace, (performance.now() - started) / 1000, phase, previous);
    const weight = outcome.status.canaryWeight ?? 0;
    metrics.setWeight(canary.spec.targetRef.name, namespace, 100 - weight, weight);
    if (phase !== previous) log.info({ canary: key, phase, weight }, `canary ${key} is ${phase}`);
    return outcome.nextTickMs === undefined ? {} : { nextTickMs: outcome.nextTickMs };
  }

  /**
   * Routing that can never take effect (a missing gateway, hosts it does not serve, ...) is reported as
   * Warning events once per spec generation: the release still runs, but the user learns why ingress
   * traffic would not follow the weights. A preflight that cannot run is logged, never fatal.
   */
  const preflighted = new Map<string, number>();
  async function preflight(key: string, canary: Canary, ports: EnginePorts): Promise<void> {
    const generation = canary.metadata.generation ?? 0;
    if (!ports.router.diagnose || preflighted.get(key) === generation) return;
    preflighted.set(key, generation);
    try {
      for (const problem of await ports.router.diagnose(canary)) {
        await ports.events.record(canary, 'Warning', 'RoutingPreflight', problem);
        log.warn({ canary: key, problem }, 'routing preflight');
      }
    } catch (err) {
      log.warn({ canary: key, err: String(err) }, 'routing preflight could not run');
    }
  }

  await Promise.all([templates.start(), alertProviders.start(), deployments.start(), canaryInformer.start()]);

  let elector: LeaderElector | undefined;
  if (options.leaderElection) {
    const le = options.leaderElection;
    elector = new LeaderElector({
      clients,
      namespace: le.namespace,
      name: le.name ?? 'aviary-controller',
      identity: le.identity,
      ...(le.leaseDurationSeconds ? { leaseDurationSeconds: le.leaseDurationSeconds } : {}),
      ...(le.retryPeriodMs ? { retryPeriodMs: le.retryPeriodMs, renewDeadlineMs: le.retryPeriodMs * 5 } : {}),
      onStartedLeading: () => {
        leading = true;
        log.info({ identity: le.identity }, 'became leader: driving canaries');
        resync();
      },
      onStoppedLeading: () => {
        leading = false;
        scheduler.stopAll();
        log.warn({ identity: le.identity }, 'lost leadership: stopped driving canaries');
      },
      log: (m) => log.warn(m),
    });
    elector.start();
  } else {
    resync();
  }

  const server = options.metricsAddress
    ? await startControllerHttp(options.metricsAddress, metrics.registry, {
        problems: () =>
          [
            ['canaries', canaryInformer],
            ['metric templates', templates],
            ['alert providers', alertProviders],
            ['deployments', deployments],
          ]
            .filter(([, informer]) => !(informer as SupervisedInformer<unknown>).healthy)
            .map(([what]) => `watch on ${String(what)} is down (reconnecting)`),
      })
    : undefined;

  return {
    metrics,
    server,
    get isLeader() {
      return leading;
    },
    async stop() {
      scheduler.stopAll();
      await elector?.stop();
      await Promise.all([canaryInformer.stop(), templates.stop(), alertProviders.stop(), deployments.stop()]);
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}

const IDLE_PHASES = new Set(['Initialized', 'Succeeded', 'Failed', 'Waiting']);

function keyOf(canary: { metadata?: { namespace?: string; name?: string } }): string {
  return `${canary.metadata?.namespace ?? 'default'}/${canary.metadata?.name ?? ''}`;
}
