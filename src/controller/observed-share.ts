/**
 * Each interval of a weighted release, the canary's share of the requests the mesh counted (canary vs
 * primary workload, e.g. istio_requests_total by destination_workload) is tested against the weight it
 * had. A share off beyond chance means traffic bypasses the weights (callers using the canary's Service
 * or a route Aviary does not manage): the status says so and a Warning event names it. Too few requests
 * to tell is said as such, never as a pass.
 *
 * The weight moves at the start of an interval and the mesh's counters lag by a scrape, so the requests
 * of one window can come from the previous weight too: the share is judged against the whole range
 * between the previous and the current weight (the least surprising weight in it gives the p-value).
 */
import type { Canary, CanaryMetric, CanaryStatus } from '../api/types.js';
import { binomialPValue, binomialRange, requestsNeeded } from '../analysis/split-test.js';
import type { EnginePorts } from '../engine/ports.js';

export type ObservedTraffic = NonNullable<CanaryStatus['observedTraffic']>;

/** Per interval: a false alarm at most once in a thousand intervals; a real bypass is far beyond it. */
export const SHARE_CONFIDENCE = 0.999;

/**
 * Shorter windows are not judged: the mesh's counters move once per scrape (commonly 15-30 s), so a
 * window of a few seconds holds a scrape or two, and the query would cost every fast tick for nothing.
 */
export const MIN_WINDOW_MS = 10_000;

/** The canary-vs-primary request counts come from the builtin request metric of the mesh. */
const REQUESTS_METRIC: CanaryMetric = { name: 'request-success-rate' };

const percent = (x: number) => Math.round(x * 10) / 10;

/** Why the weights do not describe the split this interval, or undefined when they do. */
function notWeighted(canary: Canary): string | undefined {
  const status = canary.status ?? {};
  const analysis = canary.spec.analysis ?? {};
  if (status.phase !== 'Progressing') return `phase ${status.phase ?? 'Initializing'}`;
  if (status.mirrored) return 'traffic is mirrored';
  if (analysis.match?.length) return 'A/B matching routes requests by their headers';
  if (status.sessionAffinityCookie) return 'session affinity pins clients to a version';
  const weight = status.canaryWeight ?? 0;
  if (weight <= 0 || weight >= 100) return `weight ${weight}%`;
  return undefined;
}

export function observedShareChecker(options: { confidence?: number } = {}) {
  const confidence = options.confidence ?? SHARE_CONFIDENCE;
  /**
   * Each canary's weight and time when last seen: the window since then is the interval that just ran
   * (at the current weight), and that weight is the one before it.
   */
  const lastSeen = new Map<string, { weight: number; at: number }>();

  async function observe(
    key: string,
    canary: Canary,
    ports: EnginePorts,
  ): Promise<ObservedTraffic | undefined> {
    const weight = canary.status?.canaryWeight ?? 0;
    const now = ports.clock.now();
    const seen = lastSeen.get(key);
    lastSeen.set(key, { weight, at: now });
    if (notWeighted(canary) !== undefined) return undefined;
    const previous = seen?.weight;
    const windowMs = seen ? Math.max(1000, now - seen.at) : 0;
    const base = {
      canaryWeight: weight,
      ...(previous === undefined ? {} : { previousWeight: previous }),
      windowSeconds: Math.round(windowMs / 1000),
      checkedAt: new Date(now).toISOString(),
    };
    const unavailable = (message: string): ObservedTraffic => ({ verdict: 'unavailable', ...base, message });
    if (previous === undefined || seen === undefined) {
      return unavailable(
        'the weight before this interval is unknown (controller started); judged from the next interval',
      );
    }
    if (windowMs < MIN_WINDOW_MS) {
      return unavailable(
        `the interval (${base.windowSeconds}s) is too short to count requests by version; it takes ${MIN_WINDOW_MS / 1000}s`,
      );
    }
    if (!ports.metrics.outcomes) return unavailable('the metric source cannot count requests by version');
    const reading = await ports.metrics.outcomes(canary, REQUESTS_METRIC, now - windowMs);
    if (reading.kind !== 'outcomes') return unavailable(`request counts unavailable: ${reading.reason}`);
    return judge(base, reading.canary.requests, reading.primary.requests, previous, confidence);
  }

  return {
    /** The canary with status.observedTraffic set for this interval (removed outside a weighted step). */
    async check(key: string, canary: Canary, ports: EnginePorts): Promise<Canary> {
      const observed = await observe(key, canary, ports);
      const { observedTraffic: _old, ...status } = canary.status ?? {};
      if (observed?.verdict === 'mismatch') {
        await ports.events.record(canary, 'Warning', 'TrafficSplitOff', observed.message);
      }
      return { ...canary, status: observed ? { ...status, observedTraffic: observed } : status };
    },
    forget(key: string) {
      lastSeen.delete(key);
    },
  };
}

type Base = Omit<ObservedTraffic, 'verdict' | 'message'>;

export function judge(
  base: Base,
  canaryRequests: number,
  primaryRequests: number,
  previous: number,
  confidence: number,
): ObservedTraffic {
  const total = canaryRequests + primaryRequests;
  const low = Math.min(previous, base.canaryWeight) / 100;
  const high = Math.max(previous, base.canaryWeight) / 100;
  const share = total === 0 ? 0 : canaryRequests / total;
  // The weight in [low, high] nearest to the observed share explains it best.
  const nearest = Math.min(high, Math.max(low, share));
  const pValue = total === 0 ? 1 : binomialPValue(canaryRequests, total, nearest);
  const expectedMin = total === 0 ? low * 100 : (100 * binomialRange(total, low, confidence)[0]) / total;
  const expectedMax = total === 0 ? high * 100 : (100 * binomialRange(total, high, confidence)[1]) / total;
  const counts = {
    canaryRequests,
    primaryRequests,
    canaryShare: percent(share * 100),
    expectedMin: percent(expectedMin),
    expectedMax: percent(expectedMax),
    pValue,
  };
  const weights = low === high ? `${base.canaryWeight}%` : `${previous}% then ${base.canaryWeight}%`;
  const facts =
    `canary received ${counts.canaryShare}% of ${total} requests in the last ${base.windowSeconds}s at weight ${weights} ` +
    `(expected ${counts.expectedMin}-${counts.expectedMax}% at ${confidence * 100}% confidence, p=${pValue.toPrecision(2)})`;
  if (pValue < 1 - confidence) {
    return {
      verdict: 'mismatch',
      ...base,
      ...counts,
      message:
        `Traffic is not following the weights: ${facts}. Callers are bypassing the routing ` +
        '(through the canary or primary Service or pods directly, or a route Aviary does not manage)',
    };
  }
  const needed = requestsNeeded(base.canaryWeight, confidence);
  if (total < needed) {
    return {
      verdict: 'too-few',
      ...base,
      ...counts,
      message: `Too few requests to judge the split: ${facts}; it takes at least ${needed} per interval`,
    };
  }
  return { verdict: 'consistent', ...base, ...counts, message: `Split follows the weights: ${facts}` };
}
