/**
 * Builds the TrafficSplit for a Canary and a split, and reads a split back from a live one — pure
 * functions. As Flagger: `spec.service` is hosts[0] or the apex, backends canary then primary; v1alpha1
 * weights are quantities written as strings (Flagger's resource.Quantity), later versions integers.
 */
import { serviceNames } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import type { Routes } from '../../engine/ports.js';
import { asPercent } from '../shared/routing-object.js';
import type { SmiVersion, TrafficSplitSpec } from './types.js';

export function buildTrafficSplitSpec(canary: Canary, routes: Routes, version: SmiVersion): TrafficSplitSpec {
  const names = serviceNames(canary.spec);
  const weight = (w: number) => (version === 'v1alpha1' ? String(w) : w);
  return {
    service: canary.spec.service.hosts?.[0] ?? names.apex,
    backends: [
      { service: names.canary, weight: weight(routes.canaryWeight) },
      { service: names.primary, weight: weight(routes.primaryWeight) },
    ],
  };
}

/** A Kubernetes quantity as a number: "90" -> 90, "500m" -> 0.5, "1k" -> 1000. NaN when unreadable. */
export function quantity(value: number | string | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const m = /^([0-9.]+)(m|k|M|G)?$/.exec(value.trim());
  if (!m) return Number.NaN;
  const scale = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * scale;
}

/**
 * The split as percentages of the backends' total weight; every backend other than the canary counts
 * as primary traffic. Undefined when the weights cannot be read.
 */
export function routesOfTrafficSplit(spec: TrafficSplitSpec, canaryService: string): Routes | undefined {
  let canary = 0;
  let primary = 0;
  for (const backend of spec.backends ?? []) {
    const w = quantity(backend.weight);
    if (!Number.isFinite(w)) return undefined;
    if (backend.service === canaryService) canary += w;
    else primary += w;
  }
  return { ...asPercent(primary, canary), mirrored: false };
}
