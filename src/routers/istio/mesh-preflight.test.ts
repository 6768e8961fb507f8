import { describe, expect, it } from 'vitest';
import type { Canary } from '../../api/types.js';
import {
  imageTag,
  meshProblems,
  mtlsModeInForce,
  type MeshWorld,
  type PeerAuthentication,
} from './mesh-preflight.js';

const pa = (
  namespace: string,
  mode: 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT',
  matchLabels?: Record<string, string>,
): PeerAuthentication => ({
  metadata: { name: matchLabels ? 'workload' : 'default', namespace },
  spec: { ...(matchLabels ? { selector: { matchLabels } } : {}), mtls: { mode } },
});

const world = (over: Partial<MeshWorld>): MeshWorld => ({
  peerAuthentications: [],
  rootNamespace: 'istio-system',
  podLabels: [{ app: 'podinfo' }],
  istiodVersions: [],
  sidecars: [],
  ...over,
});

function canary(tlsMode?: string): Canary {
  return {
    apiVersion: 'aviary.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      provider: 'istio',
      targetRef: { kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898, ...(tlsMode ? { trafficPolicy: { tls: { mode: tlsMode } } } : {}) },
      analysis: { interval: '1m', threshold: 5, stepWeight: 10 },
    },
  };
}

describe('Istio mesh preflight', () => {
  it('takes the workload policy over the namespace one over the mesh one; UNSET inherits', () => {
    const mesh = pa('istio-system', 'STRICT');
    expect(mtlsModeInForce(world({ peerAuthentications: [mesh] }), 'test', { app: 'podinfo' })).toEqual({
      mode: 'STRICT',
      policy: 'istio-system/default',
    });
    const namespaced = world({
      peerAuthentications: [mesh, pa('test', 'UNSET'), pa('test', 'DISABLE', { app: 'podinfo' })],
    });
    expect(mtlsModeInForce(namespaced, 'test', { app: 'podinfo' }).mode).toBe('DISABLE');
    expect(mtlsModeInForce(namespaced, 'test', { app: 'other' }).mode).toBe('STRICT');
    expect(mtlsModeInForce(world({}), 'test', {}).mode).toBe('PERMISSIVE');
  });

  it('warns about ISTIO_MUTUAL against a workload that disables mTLS, and says nothing when they agree', () => {
    const disabled = world({ peerAuthentications: [pa('test', 'DISABLE')] });
    expect(meshProblems(canary('ISTIO_MUTUAL'), disabled)).toEqual([
      expect.objectContaining({
        field: 'spec.service.trafficPolicy.tls.mode',
        message: expect.stringMatching(
          /ISTIO_MUTUAL sends mTLS, but PeerAuthentication test\/default disables it/,
        ),
      }),
    ]);
    expect(meshProblems(canary('DISABLE'), disabled)).toEqual([]);
    expect(
      meshProblems(canary('ISTIO_MUTUAL'), world({ peerAuthentications: [pa('test', 'STRICT')] })),
    ).toEqual([]);
  });

  it('compares each sidecar version with istiod, and is quiet when istiod is not found', () => {
    const sidecars = [
      { pod: 'podinfo-a', version: '1.24.0' },
      { pod: 'podinfo-b', version: '1.23.1' },
    ];
    const [problem] = meshProblems(canary(), world({ istiodVersions: ['1.24.0'], sidecars }));
    expect(problem?.message).toMatch(
      /^the sidecars of podinfo-b run Istio 1\.23\.1 but istiod runs 1\.24\.0/,
    );
    expect(meshProblems(canary(), world({ sidecars }))).toEqual([]);
  });

  it('reads image tags, not registry ports or digests', () => {
    expect(imageTag('localhost:5000/istio/proxyv2:1.22.0@sha256:abc')).toBe('1.22.0');
    expect(imageTag('localhost:5000/istio/proxyv2')).toBeUndefined();
  });
});
