/**
 * The operator: informers feed a registry of Canaries; while this replica holds the leader lease, one
 * loop per Canary runs the engine at the canary's analysis interval. Deployment changes poke the
 * canaries that target them, so a new revision starts without waiting a whole interval.
 */
import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import type { Server } from 'node:http';
import { analysisIntervalMs, namespaceOf } from '../api/defaults.js';
import type { Canary, Provider } from '../api/types.js';
import { IDLE_PHASES } from '../engine/phases/table.js';
import type { EnginePorts } from '../engine/ports.js';
import { INTENT_ANNOTATION } from '../api/intent.js';
import { canaryStore } from '../kube/canary-store.js';
import { cachedClients, CANARIES } from '../kube/cached-clients.js';
import { DEPLOYMENTS, HPAS, objectCache, SERVICES } from '../kube/object-cache.js';
import { DESTINATION_RULES, ROUTING_KINDS } from '../routers/watched-kinds.js';
import { primaryName } from '../targets/kubernetes/metadata.js';
import { deploymentReadiness } from '../targets/kubernetes/readiness.js';
import type { KubeClients } from '../kube/client.js';
import { LeaderElector } from '../kube/leader-election.js';
import { startControllerHttp } from './http-server.js';
import { controllerInformers, type ControllerLookups } from './informers.js';
import { ControllerMetrics } from './metrics.js';
import { canaryReconciler, type Logger, type ReconcileOutcome } from './reconcile-canary.js';
import { CanaryScheduler } from './scheduler.js';

export type { ControllerLookups } from './informers.js';
export type { Logger, ReconcileOutcome } from './reconcile-canary.js';

/**
 * Kinds a reconcile reads every tick besides Canaries and Deployments, watched from their first read:
 * the Services, the primary's HPA and the routers' objects. ConfigMaps and Secrets (a watch would hold
 * every Secret of the cluster) are read from the API server.
 */
const WATCHED_ON_FIRST_READ = [SERVICES, HPAS, ...ROUTING_KINDS];

/**
 * What a reconcile creates when it is missing, so that kube/object-cache may trust the watch on its
 * absence: Aviary's `-primary` copies of the Deployment and its HPA, and the `-primary`/`-canary`
 * Services and DestinationRules. Names a user may have just applied with the Canary (the target, the
 * apex Service, the VirtualService) are read from the API server when the watch has not seen them.
 */
function createdWhenMissing(kind: string, name: string): boolean {
  if (kind === DEPLOYMENTS || kind === HPAS) return name.endsWith('-primary');
  if (kind === SERVICES || kind === DESTINATION_RULES) return /-(primary|canary)$/.test(name);
  return false;
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
  /**
   * Given the clients a reconcile uses (reads served from the controller's watches), what builds the
   * engine's ports for one Canary (router by provider, metric source, hooks, alerts, ...).
   */
  portsFactory(clients: KubeClients): (canary: Canary, lookups: ControllerLookups) => EnginePorts;
  /** The engine's reconcile. */
  reconcile(canary: Canary, ports: EnginePorts): Promise<ReconcileOutcome>;
  /** --mesh-provider: the router a Canary without spec.provider is validated against. */
  meshProvider?: Provider;
}

export interface RunningController {
  readonly metrics: ControllerMetrics;
  readonly isLeader: boolean;
  /** The HTTP server, when metricsAddress was given. */
  readonly server: Server | undefined;
  stop(): Promise<void>;
}

const PRIMARY_SUFFIX = primaryName('');

export async function startController(options: ControllerOptions): Promise<RunningController> {
  const { clients, log } = options;
  const metrics = new ControllerMetrics();
  let leading = !options.leaderElection;
  // No canary runs before the Canary and Deployment watches have listed (controller-runtime's
  // WaitForCacheSync): a run started by the list's own add events would read from the API server what
  // the list has not reached yet. The first resync after the list starts them all.
  let listed = false;
  /** Per canary, what last ran it early: its generation and its pending intent (src/intents). */
  const seenTriggers = new Map<string, string>();
  /** Canaries by the Deployment they target (`namespace/name`), so a Deployment event costs O(1). */
  const byTarget = new Map<string, Map<string, Canary>>();
  const targetOf = new Map<string, string>();
  const targetGenerations = new Map<string, number>();
  /** Per target, the version of its ready primary its Initializing canaries were last poked for. */
  const pokedPrimaryVersions = new Map<string, string>();
  const targetKey = (namespace: string, name: string | undefined) => `${namespace}/${name ?? ''}`;
  const indexCanary = (canary: Canary, present: boolean) => {
    const key = keyOf(canary);
    const previous = targetOf.get(key);
    const target = targetKey(namespaceOf(canary), canary.spec.targetRef.name);
    if (present && previous === target) {
      // Same target (a status write, a resync): keep the generation seen, or the target's next event
      // (a resync every 30 s) would look like a new revision and tick every idle canary again.
      byTarget.get(target)?.set(key, canary);
      return;
    }
    if (previous !== undefined) {
      const canaries = byTarget.get(previous);
      canaries?.delete(key);
      if (canaries?.size === 0) {
        byTarget.delete(previous);
        targetGenerations.delete(previous);
      }
      targetOf.delete(key);
    }
    if (!present) return;
    if (!targetGenerations.has(target)) {
      // The revision the canary's own first run reads: only a later generation is worth a poke (else
      // the Deployments' first resync would poke every idle canary of a controller just started).
      const seen = informers.watches.deployments.get(canary.spec.targetRef.name, namespaceOf(canary));
      if (seen?.metadata?.generation !== undefined) targetGenerations.set(target, seen.metadata.generation);
    }
    const canaries = byTarget.get(target) ?? new Map<string, Canary>();
    canaries.set(key, canary);
    byTarget.set(target, canaries);
    targetOf.set(key, target);
  };

  const informers = controllerInformers(
    clients,
    options.namespace,
    {
      onCanaryUpsert: (canary) => {
        indexCanary(canary, true);
        const key = keyOf(canary);
        if (leading && listed) {
          scheduler.ensure({
            key,
            intervalMs: analysisIntervalMs(canary.spec.analysis, options.minimumIntervalMs),
          });
        }
        scheduleResync();
        // Only spec changes and a new intent (aviary pause, promote, ...) run the canary early; our own
        // status writes must not re-trigger it. A canary seen for the first time already runs (its loop
        // just started): a poke would only put every canary of a starting controller ahead of the rest.
        const trigger = `${canary.metadata.generation ?? 0} ${canary.metadata.annotations?.[INTENT_ANNOTATION] ?? ''}`;
        const seen = seenTriggers.get(key);
        if (seen !== trigger) {
          seenTriggers.set(key, trigger);
          if (seen !== undefined) scheduler.poke(key);
        }
      },
      onCanaryDelete: (canary) => {
        indexCanary(canary, false);
        seenTriggers.delete(keyOf(canary));
        reconciler.forget(keyOf(canary));
        resync();
      },
      onDeploymentUpsert: (deployment) => pokeTargetsOf(deployment),
    },
    (message) => log.warn(message),
  );
  const cache = objectCache({
    clients,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    informers: { [CANARIES]: informers.watches.canaries, [DEPLOYMENTS]: informers.watches.deployments },
    lazyKinds: WATCHED_ON_FIRST_READ,
    createdWhenMissing,
    log: (message) => log.warn(message),
  });
  const reading = cachedClients(clients, cache);
  const reconciler = canaryReconciler({
    store: canaryStore(reading),
    lookups: informers.lookups,
    metrics,
    log,
    portsFor: options.portsFactory(reading),
    reconcile: options.reconcile,
    ...(options.meshProvider ? { meshProvider: options.meshProvider } : {}),
  });
  const scheduler = new CanaryScheduler(
    (key) => (leading ? reconciler.reconcile(key) : Promise.resolve()),
    (message, err) => log.error({ err: String(err) }, message),
  );

  /**
   * Every status write of every canary comes back as an upsert; a full resync (O(canaries)) on each
   * would make the controller quadratic. Upserts start their own loop at once and coalesce the rest.
   */
  let resyncTimer: NodeJS.Timeout | undefined;
  function scheduleResync(): void {
    resyncTimer ??= setTimeout(() => {
      resyncTimer = undefined;
      resync();
    }, 1000);
    resyncTimer.unref();
  }

  function resync(): void {
    if (!leading || !listed) return;
    const canaries = informers.canaries();
    scheduler.sync(
      canaries.map((c) => ({
        key: keyOf(c),
        intervalMs: analysisIntervalMs(c.spec.analysis, options.minimumIntervalMs),
      })),
    );
    const counts = new Map<string, number>();
    for (const c of canaries) {
      const namespace = namespaceOf(c);
      counts.set(namespace, (counts.get(namespace) ?? 0) + 1);
    }
    metrics.setTotals(counts);
  }

  /**
   * A changed target starts a waiting canary at once. Canaries mid-analysis are left to their interval:
   * an extra tick there would advance the weight early (and our own scaling changes the target too).
   */
  function pokeTargetsOf(deployment: KubernetesObject): void {
    pokeInitializingOf(deployment);
    const target = targetKey(namespaceOf(deployment), deployment.metadata?.name);
    const targeting = byTarget.get(target);
    if (!targeting) return;
    // Status churn (pods coming and going after our own scale-down) is not a new revision: only a
    // spec change, which bumps the generation, is worth a tick before the interval.
    const generation = deployment.metadata?.generation ?? 0;
    if (targetGenerations.get(target) === generation) return;
    targetGenerations.set(target, generation);
    for (const [key, c] of targeting) {
      if (IDLE_PHASES.has(c.status?.phase ?? 'Initializing')) scheduler.poke(key);
    }
  }

  /**
   * A `<target>-primary` that has just become ready lets its Initializing canary finish now, not at its
   * next interval (a minute by default): initialization waits for nothing else. Once per version of the
   * primary: the informer's resync replays every Deployment each 30 s, and re-poking every ready
   * primary's canary with each replay kept thousands of initializing canaries ahead of the rest.
   */
  function pokeInitializingOf(deployment: KubernetesObject): void {
    const name = deployment.metadata?.name ?? '';
    if (!name.endsWith(PRIMARY_SUFFIX)) return;
    const target = targetKey(namespaceOf(deployment), name.slice(0, -PRIMARY_SUFFIX.length));
    const initializing = [...(byTarget.get(target) ?? [])].filter(
      ([, c]) => (c.status?.phase ?? 'Initializing') === 'Initializing',
    );
    const version = deployment.metadata?.resourceVersion ?? '';
    if (initializing.length === 0) {
      pokedPrimaryVersions.delete(target);
      return;
    }
    if (pokedPrimaryVersions.get(target) === version) return;
    // Only a trigger: the canary's own run checks readiness with its thresholds and deadline.
    const rule = { thresholdPercent: 100, deadlineMs: Number.POSITIVE_INFINITY, nowMs: Date.now() };
    if (!deploymentReadiness(deployment as V1Deployment, rule).ready) return;
    pokedPrimaryVersions.set(target, version);
    for (const [key] of initializing) scheduler.poke(key);
  }

  await informers.start();
  listed = true;

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
    ? await startControllerHttp(options.metricsAddress, metrics.registry, { problems: informers.problems })
    : undefined;

  return {
    metrics,
    server,
    get isLeader() {
      return leading;
    },
    async stop() {
      clearTimeout(resyncTimer);
      scheduler.stopAll();
      await elector?.stop();
      await cache.stop();
      await informers.stop();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}

function keyOf(canary: { metadata?: { namespace?: string; name?: string } }): string {
  return `${namespaceOf(canary)}/${canary.metadata?.name ?? ''}`;
}
