import { describe, expect, it } from 'vitest';
import type { Canary } from '../../api/types.js';
import { podinfoCanary } from '../../engine/testing/fixtures.js';
import {
  imageTag,
  meshProblems,
  mtlsModeInForce,
  type MeshWorld,
  type PeerAuthentication,
} from './mesh-preflight.js';
import { routingProblems, type IstioGateway } from './preflight.js';

function canary(
  service: Partial<Canary['spec']['service']>,
  analysis: Partial<Canary['spec']['analysis']> = {},
): Canary {
  return podinfoCanary(analysis, { provider: 'istio', service: { port: 9898, ...service } });
}

const gateway: IstioGateway = {
  metadata: { name: 'public-gateway', namespace: 'istio-system' },
  spec: { selector: { istio: 'ingressgateway' }, servers: [{ hosts: ['*.example.com'] }] },
};
const ingressPods = [{ istio: 'ingressgateway', app: 'istio-ingressgateway' }];

describe('Istio routing preflight', () => {
  it('finds nothing wrong with a gateway that exists, selects pods and serves the host', () => {
    const c = canary({ gateways: ['istio-system/public-gateway'], hosts: ['app.example.com'] });
    expect(routingProblems(c, { gateways: [gateway], podLabels: ingressPods })).toEqual([]);
  });

  it('names a gateway that does not exist and how to reference it', () => {
    const c = canary({ gateways: ['public-gateway'], hosts: ['app.example.com'] });
    const [problem] = routingProblems(c, { gateways: [gateway], podLabels: ingressPods });
    expect(problem?.field).toBe('spec.service.gateways[0]');
    expect(problem?.message).toMatch(
      /Gateway public-gateway in namespace test.*istio-system\/public-gateway/,
    );
  });

  it('warns when the gateway selector matches no ingress gateway pods', () => {
    const c = canary({ gateways: ['public-gateway.istio-system'], hosts: ['app.example.com'] });
    const problems = routingProblems(c, { gateways: [gateway], podLabels: [{ istio: 'ingress' }] });
    expect(problems.map((p) => p.message).join()).toMatch(
      /selects pods with istio=ingressgateway but no pod has those labels/,
    );
  });

  it('warns when no host is served by the gateway', () => {
    const c = canary({ gateways: ['istio-system/public-gateway'], hosts: ['app.example.org'] });
    const problems = routingProblems(c, { gateways: [gateway], podLabels: ingressPods });
    expect(problems).toEqual([
      expect.objectContaining({ field: 'spec.service.hosts', message: expect.stringMatching(/404/) }),
    ]);
  });

  it('rejects a wildcard host', () => {
    expect(routingProblems(canary({ hosts: ['*'] }), { gateways: [], podLabels: [] })[0]?.field).toBe(
      'spec.service.hosts',
    );
  });

  it('catches a load test that calls a path outside the routed URI prefix', () => {
    const c = canary(
      { match: [{ uri: { prefix: '/api' } }] },
      {
        webhooks: [
          {
            name: 'load-test',
            url: 'http://loadtester/',
            metadata: { cmd: 'hey -z 1m -q 10 http://podinfo-canary.test:9898/' },
          },
        ],
      },
    );
    const [problem] = routingProblems(c, { gateways: [], podLabels: [] });
    expect(problem?.field).toBe('spec.analysis.webhooks[0].metadata.cmd');
    expect(problem?.message).toMatch(/calls path \/, outside the routed URI prefixes \[\/api\]/);
  });
});

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

const tls = (mode?: string) => canary(mode ? { trafficPolicy: { tls: { mode } } } : {});

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
    expect(meshProblems(tls('ISTIO_MUTUAL'), disabled)).toEqual([
      expect.objectContaining({
        field: 'spec.service.trafficPolicy.tls.mode',
        message: expect.stringMatching(
          /ISTIO_MUTUAL sends mTLS, but PeerAuthentication test\/default disables it/,
        ),
      }),
    ]);
    expect(meshProblems(tls('DISABLE'), disabled)).toEqual([]);
    expect(meshProblems(tls('ISTIO_MUTUAL'), world({ peerAuthentications: [pa('test', 'STRICT')] }))).toEqual(
      [],
    );
  });

  it('compares each sidecar version with istiod, and is quiet when istiod is not found', () => {
    const sidecars = [
      { pod: 'podinfo-a', version: '1.24.0' },
      { pod: 'podinfo-b', version: '1.23.1' },
    ];
    const [problem] = meshProblems(tls(), world({ istiodVersions: ['1.24.0'], sidecars }));
    expect(problem?.message).toMatch(
      /^the sidecars of podinfo-b run Istio 1\.23\.1 but istiod runs 1\.24\.0/,
    );
    expect(meshProblems(tls(), world({ sidecars }))).toEqual([]);
  });

  it('reads image tags, not registry ports or digests', () => {
    expect(imageTag('localhost:5000/istio/proxyv2:1.22.0@sha256:abc')).toBe('1.22.0');
    expect(imageTag('localhost:5000/istio/proxyv2')).toBeUndefined();
  });
});
