/**
 * What the dashboard shows, independent of where it came from: a Canary's identity and the parts of its
 * status a person watching a release needs, plus the recent events on it.
 */
import type { EventView } from '../api/event-view.js';
import type { CanaryStatus, CheckResult } from '../api/types.js';

export type { EventView } from '../api/event-view.js';

export interface CanaryView {
  name: string;
  /** Absent for local canaries. */
  namespace?: string;
  phase?: string;
  canaryWeight?: number;
  /** The weight the analysis stops at (from the spec; unknown locally). */
  maxWeight?: number;
  failedChecks?: number;
  /** The failed-check limit (from the spec; unknown locally). */
  threshold?: number;
  iterations?: number;
  lastChecks: CheckResult[];
  /** Each metric's threshold range from the spec (for the charts), when the spec is known. */
  thresholds?: Record<string, { min?: number; max?: number }>;
  /** The canary's measured share of requests against its weight (Kubernetes controller). */
  observedTraffic?: CanaryStatus['observedTraffic'];
  /** Held by `aviary pause`. */
  paused?: boolean;
  failureReason?: string;
  lastTransitionTime?: string;
  /** What `events` returned, newest first. */
  events: EventView[];
  /** Why the events could not be read, when they could not. */
  eventsError?: string;
}

/** A source of canaries: the Kubernetes API or a local state directory. */
export interface CanarySource {
  /** One line saying where the canaries come from (shown in the page header). */
  readonly description: string;
  list(): Promise<CanaryView[]>;
  /** Recent events per canary (key: `canaryKey`), newest first, at most `limit` each. */
  events?(canaries: readonly CanaryView[], limit: number): Promise<Map<string, EventView[]>>;
}

/** The body of `GET /api/canaries`. */
export interface DashboardSnapshot {
  source: string;
  generatedAt: string;
  canaries: CanaryView[];
  /** Why the canaries could not be listed; `canaries` is then empty. */
  error?: string;
}

export const canaryKey = (c: { namespace?: string; name: string }) => `${c.namespace ?? ''}/${c.name}`;
