/**
 * Kuma's split for a Canary — pure functions. Flagger writes a TrafficRoute, a cluster-scoped legacy
 * policy that Kuma has since removed (kumahq/kuma#17484); its replacement is the namespaced
 * MeshHTTPRoute, which carries the same facts: every client in the mesh (`targetRef: Mesh`) calling
 * `<apex>` on service.port is split by weight between `<apex>-primary` and `<apex>-canary`. The mesh is
 * the Canary's `kuma.io/mesh` annotation, else `default`, as in Flagger.
 */
import { serviceNames } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import type { Routes } from '../../engine/ports.js';
import { asPercent } from '../shared/routing-object.js';
import { MESH_LABEL, type MeshHTTPRouteSpec } from './types.js';

export const meshOf = (canary: Canary) => canary.metadata.annotations?.[MESH_LABEL] ?? 'default';

export function buildMeshHTTPRouteSpec(canary: Canary, routes: Routes): MeshHTTPRouteSpec {
  const names = serviceNames(canary.spec);
  const port = canary.spec.service.port;
  const backend = (name: string, weight: number) => ({ kind: 'MeshService', name, port, weight });
  return {
    targetRef: { kind: 'Mesh' },
    to: [
      {
        targetRef: { kind: 'MeshService', name: names.apex },
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            default: {
              backendRefs: [
                backend(names.primary, routes.primaryWeight),
                backend(names.canary, routes.canaryWeight),
              ],
            },
          },
        ],
      },
    ],
  };
}

/** The split of the route to the apex; undefined when it has no primary backend. */
export function routesOfMeshHTTPRoute(canary: Canary, spec: MeshHTTPRouteSpec): Routes | undefined {
  const names = serviceNames(canary.spec);
  const backends =
    spec.to?.find((to) => to.targetRef.name === names.apex)?.rules[0]?.default.backendRefs ?? [];
  const weightOf = (name: string) => backends.find((b) => b.name === name)?.weight;
  const primary = weightOf(names.primary);
  if (primary === undefined) return undefined;
  return { ...asPercent(primary, weightOf(names.canary) ?? 0), mirrored: false };
}
