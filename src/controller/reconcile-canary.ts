/**
 * One scheduled run for one Canary: read it (as fresh as the API server's copy: kube/object-cache),
 * handle the finalizer (revertOnDeletion), run the routing preflight once per spec generation, run the
 * engine, record metrics.
 * A run that fails tells the user on the Canary itself: a Warning event and a `Reconciled` condition with
 * the error's stable code and what to do; the error then goes to the scheduler, whose back-off its code
 * decides.
 */
import { isError } from '../api/problems.js';
import type { Canary, Provider } from '../api/types.js';
import { validateObject } from '../validation/validate.js';
import type { EnginePorts } from '../engine/ports.js';
import { reconcileFailedCondition } from '../engine/status.js';
import { fixOf, toAviaryError, type AviaryError } from '../errors.js';
import type { canaryStore } from '../kube/canary-store.js';
import { FINALIZER } from '../kube/canary-store.js';
import { isNotFound } from '../kube/failure.js';
import type { ControllerLookups } from './informers.js';
import type { ControllerMetrics } from './metrics.js';
import { observedShareChecker } from './observed-share.js';

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export interface ReconcileOutcome {
  status: NonNullable<Canary['status']>;
  nextTickMs?: number;
}

export interface CanaryReconcilerDeps {
  store: ReturnType<typeof canaryStore>;
  lookups: ControllerLookups;
  metrics: ControllerMetrics;
  log: Logger;
  portsFor(canary: Canary, lookups: ControllerLookups): EnginePorts;
  reconcile(canary: Canary, ports: EnginePorts): Promise<ReconcileOutcome>;
  /** The controller's --mesh-provider: the router a Canary without spec.provider is checked against. */
  meshProvider?: Provider;
}

export function canaryReconciler(deps: CanaryReconcilerDeps) {
  const { store, lookups, metrics, log } = deps;
  const preflighted = new Map<string, number>();
  const refused = new Map<string, number>();
  /** The spec generation last found valid, per canary: only a new generation is validated again. */
  const accepted = new Map<string, number>();
  const observedShare = observedShareChecker();
  const context = deps.meshProvider ? { meshProvider: deps.meshProvider } : {};

  /**
   * A Canary applied with kubectl never went through `aviary validate`: the same rules run here, and
   * a spec with errors is not driven (a 9999999h interval, a success rate of 150%, a name that is not
   * DNS-1123). One Warning event per spec generation names each field and its fix. A spec is validated
   * once per generation (a tick of an unchanged canary would only repeat the answer).
   */
  async function refuseInvalid(key: string, canary: Canary): Promise<boolean> {
    const generation = canary.metadata.generation ?? 0;
    if (accepted.get(key) === generation) return false;
    const errors = validateObject(canary, context).problems.filter(isError);
    if (errors.length === 0) {
      refused.delete(key);
      accepted.set(key, generation);
      return false;
    }
    accepted.delete(key);
    if (refused.get(key) !== generation) {
      refused.set(key, generation);
      const listed = errors.map((p) => `${p.path}: ${p.message}${p.fix ? ` — ${p.fix}` : ''}`).join('; ');
      const message = `Spec not accepted, nothing was changed: ${listed}`;
      await deps.portsFor(canary, lookups).events.record(canary, 'Warning', 'InvalidSpec', message);
      log.warn({ canary: key, problems: errors }, 'canary spec not accepted');
    }
    return true;
  }

  /**
   * Routing that can never take effect (a missing gateway, hosts it does not serve, ...) is reported as
   * Warning events once per spec generation: the release still runs, but the user learns why ingress
   * traffic would not follow the weights. A preflight that cannot run is logged, never fatal.
   */
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

  /**
   * Best effort: the failure may be the API server itself, and then neither write lands; the log and the
   * scheduler's back-off still carry it.
   */
  async function reportFailure(key: string, canary: Canary, error: AviaryError): Promise<void> {
    const message = `${error.message} — ${fixOf(error)}`;
    try {
      const ports = deps.portsFor(canary, lookups);
      await ports.events.record(canary, 'Warning', 'ReconcileFailed', `${error.code}: ${message}`);
      const at = new Date(ports.clock.now()).toISOString();
      const status = canary.status ?? {};
      const conditions = reconcileFailedCondition(status.conditions, error.code, message, at);
      await store.status.write(canary, { ...status, conditions });
    } catch (err) {
      log.warn({ canary: key, err: String(err) }, 'could not report the failed reconcile on the Canary');
    }
  }

  async function reconcileKey(key: string): Promise<{ nextTickMs?: number }> {
    const [namespace, name] = key.split('/') as [string, string];
    let canary: Canary;
    try {
      // The store's clients serve it from the watch, or from the API server when the watch has not yet
      // seen the status written last tick (kube/object-cache): that status must be seen.
      canary = await store.get(namespace, name);
    } catch (err) {
      if (isNotFound((err as { cause?: unknown }).cause)) return {};
      throw err;
    }
    try {
      return await reconcileRead(key, canary);
    } catch (err) {
      const error = toAviaryError(err);
      await reportFailure(key, canary, error);
      throw error;
    }
  }

  async function reconcileRead(key: string, canary: Canary): Promise<{ nextTickMs?: number }> {
    const [namespace, name] = key.split('/') as [string, string];
    const started = performance.now();
    const previous = canary.status?.phase;

    if (canary.metadata.deletionTimestamp) {
      if (!canary.metadata.finalizers?.includes(FINALIZER)) return {};
      if (canary.spec.revertOnDeletion && previous !== 'Terminated') {
        // Terminating is written first, the revert runs on the next tick: the finalizer stays until then.
        const outcome = await deps.reconcile(canary, deps.portsFor(canary, lookups));
        if (outcome.status.phase !== 'Terminated') return { nextTickMs: 0 };
      }
      await store.removeFinalizer(canary);
      log.info({ canary: key }, 'Terminated canary: finalizer removed');
      return {};
    }
    if (canary.spec.revertOnDeletion) await store.addFinalizer(canary);
    else if (canary.metadata.finalizers?.includes(FINALIZER)) await store.removeFinalizer(canary);

    if (await refuseInvalid(key, canary)) return {};
    const ports = deps.portsFor(canary, lookups);
    await preflight(key, canary, ports);
    // The split measured over the interval that just ran goes into this tick's status write.
    const outcome = await deps.reconcile(await observedShare.check(key, canary, ports), ports);
    const phase = outcome.status.phase ?? 'Initializing';
    metrics.observeReconcile(name, namespace, (performance.now() - started) / 1000, phase, previous);
    metrics.observeStatus(name, namespace, outcome.status);
    const weight = outcome.status.canaryWeight ?? 0;
    metrics.setWeight(canary.spec.targetRef.name, namespace, 100 - weight, weight);
    if (phase !== previous) log.info({ canary: key, phase, weight }, `canary ${key} is ${phase}`);
    return outcome.nextTickMs === undefined ? {} : { nextTickMs: outcome.nextTickMs };
  }

  return {
    async reconcile(key: string): Promise<{ nextTickMs?: number }> {
      try {
        return await reconcileKey(key);
      } catch (err) {
        const [namespace, name] = key.split('/') as [string, string];
        metrics.reconcileFailed(name, namespace);
        throw err;
      }
    },
    forget(key: string) {
      preflighted.delete(key);
      refused.delete(key);
      accepted.delete(key);
      observedShare.forget(key);
      const [namespace, name] = key.split('/') as [string, string];
      metrics.forget(name, namespace);
    },
  };
}
