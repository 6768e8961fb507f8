/**
 * The primary and canary weights of one route in Traefik's running configuration (its API's weighted
 * services), whichever provider produced it.
 */
import type { WeightedServices } from './traefik.js';

/**
 * The weighted service of `<namespace>`'s `<apex>` route whose children are the `<apex>-primary` and
 * `<apex>-canary` Services; a child Traefik left out (weight 0) counts as 0. Undefined when Traefik
 * runs no such service (yet).
 */
export function weightsOf(
  services: WeightedServices,
  namespace: string,
  apex: string,
): { primary: number; canary: number; service: string } | undefined {
  for (const [service, children] of services) {
    if (!service.includes(namespace)) continue;
    let primary: number | undefined;
    let canary: number | undefined;
    for (const [child, weight] of children) {
      if (child.includes(`${apex}-primary`)) primary = (primary ?? 0) + weight;
      else if (child.includes(`${apex}-canary`)) canary = (canary ?? 0) + weight;
    }
    if (primary !== undefined || canary !== undefined)
      return { primary: primary ?? 0, canary: canary ?? 0, service };
  }
  return undefined;
}
