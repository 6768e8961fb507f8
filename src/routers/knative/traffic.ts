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

/** The split the traffic block holds; undefined without both targets and their percents. */
export function routesOfTraffic(
  primaryRevision: string,
  traffic: TrafficTarget[] | undefined,
): Routes | undefined {
  const canary = traffic?.find((t) => t.latestRevision === true)?.percent;
  const primary = traffic?.find((t) => t.revisionName === primaryRevision)?.percent;
  if (canary === undefined || primary === undefined) return undefined;
  return { primaryWeight: primary, canaryWeight: canary, mirrored: false };
}
