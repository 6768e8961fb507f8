/**
 * APISIX's canary ApisixRoute, as Flagger makes it — pure functions. `<routeRef.name>-<apex>-canary`
 * holds the one HTTP route of the user's ApisixRoute that sends to `<apex>`, at the highest priority
 * (10000, so it wins over the user's), with its single backend split into `<apex>-primary` and
 * `<apex>-canary` (same port, resolve granularity and subset) by weight.
 */
import { serviceNames } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import type { Routes } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import { asPercent } from '../shared/routing-object.js';
import { refName } from '../shared/user-ref.js';
import type { ApisixHttpRoute, ApisixRouteSpec } from './types.js';

const TOP_PRIORITY = 10000;

export const routeRefName = (canary: Canary) => refName(canary, 'routeRef', 'apisix');

export const apisixCanaryRouteName = (canary: Canary) =>
  `${routeRefName(canary)}-${serviceNames(canary.spec).apex}-canary`;

const routeTo = (spec: ApisixRouteSpec, service: string) =>
  (spec.http ?? []).find((route) => (route.backends ?? []).some((b) => b.serviceName === service));

export function apisixCanaryRouteSpec(
  canary: Canary,
  routes: Routes,
  user: ApisixRouteSpec,
): ApisixRouteSpec {
  const names = serviceNames(canary.spec);
  const target = routeTo(user, names.apex);
  if (!target)
    throw new AviaryError(
      'INVALID_SPEC',
      `ApisixRoute ${routeRefName(canary)} (spec.routeRef) has no HTTP route with a backend on ${names.apex} — point one of its spec.http routes at ${names.apex}`,
    );
  const [backend, ...others] = target.backends ?? [];
  if (!backend || others.length > 0)
    throw new AviaryError(
      'INVALID_SPEC',
      `ApisixRoute ${routeRefName(canary)} (spec.routeRef): HTTP route ${target.name} has ${others.length + 1} backends; Aviary splits a route with exactly one (${names.apex})`,
    );
  const route: ApisixHttpRoute = {
    ...structuredClone(target),
    priority: TOP_PRIORITY,
    backends: [
      { ...backend, serviceName: names.primary, weight: routes.primaryWeight },
      {
        serviceName: names.canary,
        servicePort: backend.servicePort,
        ...(backend.resolveGranularity ? { resolveGranularity: backend.resolveGranularity } : {}),
        ...(backend.subset ? { subset: backend.subset } : {}),
        weight: routes.canaryWeight,
      },
    ],
  };
  return { http: [route] };
}

/** The split of the route on the primary; undefined when there is none or a weight is missing. */
export function routesOfApisixRoute(canary: Canary, spec: ApisixRouteSpec): Routes | undefined {
  const names = serviceNames(canary.spec);
  const backends = routeTo(spec, names.primary)?.backends ?? [];
  const weightOf = (service: string) => backends.find((b) => b.serviceName === service)?.weight;
  const primary = weightOf(names.primary);
  if (primary === undefined) return undefined;
  return { ...asPercent(primary, weightOf(names.canary) ?? 0), mirrored: false };
}
