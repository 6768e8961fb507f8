/**
 * A Knative Service's traffic block as Flagger writes it — pure functions. The canary is the latest
 * revision, the primary the revision recorded in the `flagger.app/primary-revision` annotation; Knative
 * splits between them by `percent`.
 */
import type { Routes } from '../../engine/ports.js';
import type { TrafficTarget } from './types.js';

export function trafficFor(primaryRevision: string, routes: Routes): TrafficTarget[] {
  return [
    { latestRevision: true, percent: routes.canaryWeight },
    { revisionName: primaryRevision, percent: routes.primaryWeight },
  ];
}

/**
 * The split the traffic block holds; undefined without both targets and their percents. Promotion
 * records the latest revision as the primary before the next write gives it the traffic back, so in
 * between the block still names the previous primary: when the primary is `latestRevision`, a single
 * other named revision holds the primary's share (Flagger, reading the Service's status, counts it so too).
 */
export function routesOfTraffic(
  primaryRevision: string,
  traffic: TrafficTarget[] | undefined,
  latestRevision?: string,
): Routes | undefined {
  const canary = traffic?.find((t) => t.latestRevision === true)?.percent;
  const named = traffic?.filter((t) => t.revisionName !== undefined && t.latestRevision !== true) ?? [];
  const previous = primaryRevision === latestRevision && named.length === 1 ? named[0] : undefined;
  const primary = (named.find((t) => t.revisionName === primaryRevision) ?? previous)?.percent;
  if (canary === undefined || primary === undefined) return undefined;
  return { primaryWeight: primary, canaryWeight: canary, mirrored: false };
}
