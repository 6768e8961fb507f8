/**
 * The TraefikService `<apex>` for a split, and the split a live one holds — pure functions. As Flagger
 * writes it: a weighted round robin over `<apex>-primary` and, while it has traffic, `<apex>-canary`, on
 * service.port in the Canary's namespace. The user's IngressRoute sends the host to it
 * (`services: [{name: <apex>, kind: TraefikService}]`).
 */
import { serviceNames, namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import type { Routes } from '../../engine/ports.js';
import { asPercent } from '../shared/routing-object.js';
import type { TraefikServiceSpec, WeightedService } from './types.js';

export function buildTraefikServiceSpec(canary: Canary, routes: Routes): TraefikServiceSpec {
  const names = serviceNames(canary.spec);
  const namespace = namespaceOf(canary);
  const backend = (name: string, weight: number): WeightedService => ({
    name,
    namespace,
    port: canary.spec.service.port,
    weight,
  });
  const services = [backend(names.primary, routes.primaryWeight)];
  if (routes.canaryWeight > 0) services.push(backend(names.canary, routes.canaryWeight));
  return { weighted: { services } };
}

/** The split as percentages of the round robin's weights; undefined when the primary is not in it. */
export function routesOfTraefikService(spec: TraefikServiceSpec, canary: Canary): Routes | undefined {
  const names = serviceNames(canary.spec);
  const services = spec.weighted?.services ?? [];
  if (!services.some((s) => s.name === names.primary)) return undefined;
  // Traefik's default weight is 1.
  const weightOf = (name: string) =>
    services.filter((s) => s.name === name).reduce((sum, s) => sum + (s.weight ?? 1), 0);
  return { ...asPercent(weightOf(names.primary), weightOf(names.canary)), mirrored: false };
}
