/**
 * TrafficRouter over Aviary's own weighted proxy (`provider: local`). The "routing object" is the
 * proxy's live route table: getRoutes reads it back from there, never from a copy of what was asked.
 */
import { parseDuration } from '../../api/duration.js';
import { cookieAttributes, cookieMaxAge, cookieValue } from '../../api/session-affinity.js';
import type { Canary, SessionAffinity } from '../../api/types.js';
import { AviaryError } from '../../errors.js';
import { ALL_TO_PRIMARY, type RouteOptions, type Routes, type TrafficRouter } from '../../engine/ports.js';
import type { AffinityRoutes, ProxyRoutes } from '../router/types.js';
import type { LocalRuntime } from '../runtime.js';
import { localSpec } from '../spec.js';

function affinityOf(
  affinity: SessionAffinity | undefined,
  options: RouteOptions | undefined,
): AffinityRoutes | undefined {
  if (!affinity || !options?.canaryCookie) return undefined;
  const name = affinity.cookieName;
  return {
    cookieName: name,
    canaryValue: cookieValue(name, options.canaryCookie),
    ...(options.previousCookie ? { previousValue: cookieValue(name, options.previousCookie) } : {}),
    attributes: { ...cookieAttributes(affinity), maxAge: cookieMaxAge(affinity) },
  };
}

export class LocalTrafficRouter implements TrafficRouter {
  constructor(private readonly runtime: LocalRuntime) {}

  private async proxy(canary: Canary) {
    localSpec(canary);
    const timeout = canary.spec.service.timeout ? parseDuration(canary.spec.service.timeout) : undefined;
    return this.runtime.ensureRouter(canary, timeout);
  }

  /** Starts the router on first call (all traffic to the primary); later calls refresh the A/B match only. */
  async reconcile(canary: Canary): Promise<void> {
    const proxy = await this.proxy(canary);
    const current = proxy.getRoutes();
    const match = canary.spec.analysis.match ?? [];
    if (JSON.stringify(current.match ?? []) !== JSON.stringify(match)) {
      proxy.setRoutes({ ...current, match });
    }
  }

  async setRoutes(canary: Canary, routes: Routes, options?: RouteOptions): Promise<void> {
    const proxy = await this.proxy(canary);
    const analysis = canary.spec.analysis;
    const wanted: ProxyRoutes = {
      primaryWeight: routes.primaryWeight,
      canaryWeight: routes.canaryWeight,
      mirrored: routes.mirrored,
      // Istio: mirrorPercentage is set only when mirrorWeight > 0; otherwise every request is copied.
      ...(routes.mirrored && (analysis.mirrorWeight ?? 0) > 0
        ? { mirrorPercent: analysis.mirrorWeight! }
        : {}),
      match: analysis.match ?? [],
    };
    const affinity = affinityOf(analysis.sessionAffinity, options);
    if (affinity) wanted.affinity = affinity;
    proxy.setRoutes(wanted);
    const applied = proxy.getRoutes();
    if (
      applied.primaryWeight !== wanted.primaryWeight ||
      applied.canaryWeight !== wanted.canaryWeight ||
      applied.mirrored !== wanted.mirrored
    ) {
      throw new AviaryError(
        'ROUTE_NOT_APPLIED',
        `the local router holds ${applied.primaryWeight}/${applied.canaryWeight} after being asked for ${wanted.primaryWeight}/${wanted.canaryWeight}`,
      );
    }
  }

  async getRoutes(canary: Canary): Promise<Routes> {
    localSpec(canary);
    const proxy = this.runtime.proxy;
    if (!proxy) {
      throw new AviaryError(
        'NOT_FOUND',
        `the local router of ${canary.metadata.name} is not running yet (reconcile starts it)`,
      );
    }
    const { primaryWeight, canaryWeight, mirrored } = proxy.getRoutes();
    return { primaryWeight, canaryWeight, mirrored };
  }

  /** All traffic to the primary, no match/mirror/affinity; the router keeps listening so the service stays reachable. */
  async finalize(canary: Canary): Promise<void> {
    localSpec(canary);
    this.runtime.proxy?.setRoutes(ALL_TO_PRIMARY);
  }
}
