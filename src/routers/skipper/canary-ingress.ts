/**
 * Skipper's canary Ingress, as Flagger makes it — pure functions. `<ingressRef.name>-canary` copies the
 * user's Ingress; every path on `<apex>` goes to `<apex>-primary` and a twin of it to `<apex>-canary`.
 * Skipper splits between a route's backends by `zalando.org/backend-weights` (a JSON map of service to
 * relative weight), and the `Weight(100)` predicate makes these routes win over the user's Ingress. With
 * no canary traffic the predicate is `False()` instead: the canary Ingress is off and the user's Ingress
 * (apex, which selects the primary) serves everything.
 */
import type { V1IngressSpec } from '@kubernetes/client-node';
import { serviceNames } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import { ALL_TO_PRIMARY, type Routes } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import { asPercent } from '../shared/routing-object.js';
import { refName } from '../shared/user-ref.js';

export const BACKEND_WEIGHTS = 'zalando.org/backend-weights';
export const PREDICATE = 'zalando.org/skipper-predicate';
const ROUTE_WINS = 'Weight(100)';
const ROUTE_OFF = 'False()';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export const skipperIngressRef = (canary: Canary) => refName(canary, 'ingressRef', 'skipper');

export const skipperCanaryIngressName = (canary: Canary) => `${skipperIngressRef(canary)}-canary`;

/** The user's Ingress spec with each path on the apex split into a primary path and a canary twin. */
export function skipperIngressSpec(canary: Canary, userSpec: V1IngressSpec): V1IngressSpec {
  const names = serviceNames(canary.spec);
  const spec = structuredClone(userSpec);
  let found = false;
  for (const rule of spec.rules ?? []) {
    if (!rule.http) continue;
    rule.http.paths = rule.http.paths.flatMap((path) => {
      const service = path.backend.service;
      if (service?.name !== names.apex) return [path];
      found = true;
      const to = (name: string) => ({ ...path, backend: { ...path.backend, service: { ...service, name } } });
      return [to(names.primary), to(names.canary)];
    });
  }
  if (!found)
    throw new AviaryError(
      'INVALID_SPEC',
      `Ingress ${skipperIngressRef(canary)} (spec.ingressRef) has no path on service ${names.apex}: Skipper could not send any request to the canary — point a path of it at ${names.apex}`,
    );
  return spec;
}

/** The user's predicates with Aviary's first (Flagger's order), without any Aviary put there before. */
function predicate(user: string | undefined, first: string): string {
  const rest = (user ?? '')
    .split('&&')
    .map((p) => p.trim())
    .filter((p) => p && p !== ROUTE_WINS && p !== ROUTE_OFF);
  return [first, ...rest].join(' && ');
}

/** The canary Ingress's annotations for a split: the user's, with the weights and the predicate. */
export function skipperAnnotations(
  canary: Canary,
  routes: Routes,
  user: Record<string, string> | undefined,
): Record<string, string> {
  const names = serviceNames(canary.spec);
  const { [LAST_APPLIED]: _lastApplied, ...kept } = user ?? {};
  return {
    ...kept,
    [BACKEND_WEIGHTS]: JSON.stringify({
      [names.primary]: routes.primaryWeight,
      [names.canary]: routes.canaryWeight,
    }),
    [PREDICATE]: predicate(user?.[PREDICATE], routes.canaryWeight > 0 ? ROUTE_WINS : ROUTE_OFF),
  };
}

/** The split Skipper applies for these annotations; undefined when the weights are missing or unreadable. */
export function routesOfSkipperAnnotations(
  canary: Canary,
  annotations: Record<string, string> | undefined,
): Routes | undefined {
  const names = serviceNames(canary.spec);
  let weights: unknown;
  try {
    weights = JSON.parse(annotations?.[BACKEND_WEIGHTS] ?? '');
  } catch {
    return undefined;
  }
  const w = weights as Record<string, unknown> | null;
  const primary = w?.[names.primary];
  const canaryWeight = w?.[names.canary];
  if (typeof primary !== 'number' || typeof canaryWeight !== 'number') return undefined;
  const off = (annotations?.[PREDICATE] ?? '').split('&&').some((p) => p.trim() === ROUTE_OFF);
  return off ? ALL_TO_PRIMARY : { ...asPercent(primary, canaryWeight), mirrored: false };
}
