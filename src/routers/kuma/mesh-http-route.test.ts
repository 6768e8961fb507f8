import { describe, expect, it } from 'vitest';
import { canaryFor } from '../../targets/kubernetes/testing/fixtures.js';
import { buildMeshHTTPRouteSpec, meshOf, routesOfMeshHTTPRoute } from './mesh-http-route.js';

const canary = canaryFor('test', 'podinfo');

describe('Kuma MeshHTTPRoute', () => {
  it('splits every mesh client’s calls to the apex between primary and canary on service.port', () => {
    const spec = buildMeshHTTPRouteSpec(canary, { primaryWeight: 70, canaryWeight: 30, mirrored: false });
    expect(spec).toEqual({
      targetRef: { kind: 'Mesh' },
      to: [
        {
          targetRef: { kind: 'MeshService', name: 'podinfo' },
          rules: [
            {
              matches: [{ path: { type: 'PathPrefix', value: '/' } }],
              default: {
                backendRefs: [
                  { kind: 'MeshService', name: 'podinfo-primary', port: 9898, weight: 70 },
                  { kind: 'MeshService', name: 'podinfo-canary', port: 9898, weight: 30 },
                ],
              },
            },
          ],
        },
      ],
    });
    expect(routesOfMeshHTTPRoute(canary, spec)).toEqual({
      primaryWeight: 70,
      canaryWeight: 30,
      mirrored: false,
    });
  });

  it('the mesh is the Canary’s kuma.io/mesh annotation, else default (Flagger)', () => {
    expect(meshOf(canary)).toBe('default');
    expect(
      meshOf({ ...canary, metadata: { ...canary.metadata, annotations: { 'kuma.io/mesh': 'prod' } } }),
    ).toBe('prod');
  });
});
