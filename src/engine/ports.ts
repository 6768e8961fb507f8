/**
 * The engine's view of the world. The engine decides; these ports act. Each runtime (Kubernetes, local,
 * in-memory test doubles) supplies one implementation of each, so the same engine drives all of them.
 *
 * Rules every implementation keeps:
 * - Calls are idempotent: the engine may repeat any call after a crash.
 * - Every network call has a timeout; failures are thrown as AviaryErrors (src/errors.ts), except where a
 *   port returns a result type that carries the failure. A thrown error ends the tick before its status
 *   write; the runtime shows it to the user (on Kubernetes a Warning event and a Reconciled=False
 *   condition) and its code's `retry` column decides how soon the tick runs again.
 */
import type { MetricSource, TemplateResolver } from '../analysis/metric-source.js';
import type { Canary, CanaryStatus, CanaryWebhook, Phase } from '../api/types.js';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/**
 * Readiness of a workload; `retriable: false` means waiting longer will not help, and `deadlineExceeded`
 * says that is because a progress deadline passed (the workload's own or the Canary's), not a failure.
 */
export type Readiness =
  { ready: true } | { ready: false; reason: string; retriable: boolean; deadlineExceeded?: boolean };

/** What identifies a revision of the canary workload (Flagger's lastAppliedSpec + trackedConfigs). */
export interface Revision {
  /** Hash of the pod template (or local command line). */
  spec: string;
  /** Hash per referenced config: `configmap/<name>` or `secret/<name>` -> checksum. */
  trackedConfigs?: Record<string, string>;
}

/** The workloads: the target (canary) and the `<name>-primary` copy Aviary owns. */
export interface WorkloadTarget {
  /**
   * Creates the primary from the target on first sight (or refreshes it) and reports whether it is ready.
   * Must not touch the primary's template once it exists: only `promote` changes what the primary runs.
   */
  initialize(canary: Canary): Promise<Readiness>;
  /** The canary workload's current revision. */
  revision(canary: Canary): Promise<Revision>;
  primaryReadiness(canary: Canary): Promise<Readiness>;
  canaryReadiness(canary: Canary): Promise<Readiness>;
  /** Scales the canary workload up (from zero) so it can take traffic. */
  scaleCanaryUp(canary: Canary): Promise<void>;
  scaleCanaryToZero(canary: Canary): Promise<void>;
  /** Copies the canary's template (and tracked configs) to the primary. */
  promote(canary: Canary): Promise<void>;
  /** revertOnDeletion: gives the workload back to the user as it was (target scaled up, primary removed). */
  finalize(canary: Canary): Promise<void>;
}

/** Traffic split as applied by (and read back from) the routing layer. Weights add up to 100. */
export interface Routes {
  primaryWeight: number;
  canaryWeight: number;
  /** Traffic to the primary is copied to the canary (responses discarded). */
  mirrored: boolean;
}

/** All traffic on the primary: where routing starts, and where a rollback or a promotion ends. */
export const ALL_TO_PRIMARY: Routes = Object.freeze({ primaryWeight: 100, canaryWeight: 0, mirrored: false });
/** All traffic on the canary: a failed promotion leaves the only healthy copy serving. */
export const ALL_TO_CANARY: Routes = Object.freeze({ primaryWeight: 0, canaryWeight: 100, mirrored: false });

/** Extra routing facts the engine decides and the router applies. */
export interface RouteOptions {
  /** Session affinity: the `<name>=<value>` cookie that pins a client to the canary (status.sessionAffinityCookie). */
  canaryCookie?: string;
  /** Session affinity: the previous canary cookie, routed back to the primary. */
  previousCookie?: string;
  /** Session affinity with primaryCookieName: the cookie that pins a client to the primary. */
  primaryCookie?: string;
}

/** The mesh/ingress/local router (Flagger's Router: reconcile, set routes, get routes, finalize). */
export interface TrafficRouter {
  /** Creates or refreshes the routing objects; on first creation all traffic goes to the primary. */
  reconcile(canary: Canary): Promise<void>;
  /**
   * Applies the split, then reads it back from the routing layer and throws ROUTE_NOT_APPLIED (saying
   * what it holds) when that is not the split asked for; the engine counts it as a failed check.
   */
  setRoutes(canary: Canary, routes: Routes, options?: RouteOptions): Promise<void>;
  /** Reads back what the routing layer actually holds (never a cached copy of what was asked). */
  getRoutes(canary: Canary): Promise<Routes>;
  /** revertOnDeletion: removes Aviary's routing, leaving the service reachable. */
  finalize(canary: Canary): Promise<void>;
  /**
   * Routing that would never take effect (a missing gateway, hosts it does not serve, ...), one line per
   * problem naming the field. Reported as Warning events; optional for routers with nothing to check.
   */
  diagnose?(canary: Canary): Promise<string[]>;
}

// The metric ports belong to the analysis that reads them; re-exported so engine-side importers keep one place.
export type {
  MetricQuery,
  MetricReading,
  MetricSource,
  OutcomeReading,
  ProviderCheck,
  TemplateResolver,
  VersionSample,
} from '../analysis/metric-source.js';
export type HookResult = { ok: true; status?: number } | { ok: false; reason: string; status?: number };

export interface WebhookCaller {
  /** POSTs Flagger's payload for `hook`; ok iff the receiver answered 2xx within the timeout and retries. */
  call(
    canary: Canary,
    hook: CanaryWebhook,
    phase: Phase,
    metadata?: Record<string, string>,
  ): Promise<HookResult>;
}

export type Severity = 'info' | 'warn' | 'error';

export interface Notification {
  canary: Canary;
  severity: Severity;
  /** One sentence: what happened, e.g. "Canary analysis failed: request-success-rate 94.1% < 99%". */
  message: string;
  phase: Phase;
  canaryWeight: number;
  /** Extra name/value facts (target, failed checks, traffic routing). */
  fields?: Record<string, string>;
}

export interface Notifier {
  /** Sends to every alert provider whose severity filter matches. Never throws: failures are logged. */
  notify(notification: Notification): Promise<void>;
}

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  /** Kubernetes Event on the Canary (or a log line / terminal line locally). Never throws. */
  record(canary: Canary, type: EventType, reason: string, message: string): Promise<void>;
}

export interface StatusStore {
  /** Persists the status (Kubernetes status subresource, or a state file locally). */
  write(canary: Canary, status: CanaryStatus): Promise<void>;
}

/** Everything one engine needs. */
export interface EnginePorts {
  target: WorkloadTarget;
  router: TrafficRouter;
  metrics: MetricSource;
  templates?: TemplateResolver;
  webhooks: WebhookCaller;
  notifier: Notifier;
  events: EventRecorder;
  status: StatusStore;
  clock: Clock;
}
