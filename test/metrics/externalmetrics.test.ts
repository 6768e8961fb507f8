/**
 * The External Metrics API: against the real API server (no adapter is registered there, which the reader
 * must say), and against a local server answering the documented ExternalMetricValueList
 * (k8s.io/metrics external.metrics.k8s.io/v1beta1) through provider.address with a bearer token. An
 * adapter is not registered on the shared control plane: a cluster-wide APIService that goes away with
 * the test would break API discovery for every other test.
 */
import { describe, expect, it } from 'vitest';
import { parseExternalQuery, parseQuantity } from '../../src/metrics/providers/externalmetrics.js';
import { testCluster } from '../cluster/index.js';
import { online, read, source, template } from './fixtures.js';
import { suiteServer } from './recording-server.js';

const server = suiteServer();

const list = (...values: string[]) => ({
  kind: 'ExternalMetricValueList',
  apiVersion: 'external.metrics.k8s.io/v1beta1',
  metadata: {},
  items: values.map((value) => ({
    metricName: 'queue_depth',
    metricLabels: { app: 'podinfo' },
    timestamp: '2026-12-01T12:00:00Z',
    value,
  })),
});

describe('externalmetrics', () => {
  const t = (address = server.url) =>
    template(
      // the local server speaks plain HTTP, which the Kubernetes client allows only without TLS checks
      { type: 'externalmetrics', address, insecureSkipVerify: true, secretRef: { name: 'em' } },
      '{{ namespace }}/queue_depth?labelSelector=app%3D{{ target }}',
    );
  const secrets = { em: { token: 'adapter-bearer-token' } };

  it('GETs the namespaced metric with the label selector and the token, and reads the quantity', async () => {
    server.answer(() => ({ body: list('1500m') }));
    expect(await read(source({ secrets }), t())).toEqual({ kind: 'value', value: 1.5 });
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe('/apis/external.metrics.k8s.io/v1beta1/namespaces/test/queue_depth');
    expect(sent.query.get('labelSelector')).toBe('app=podinfo');
    expect(sent.headers['authorization']).toBe('Bearer adapter-bearer-token');
  });

  it('no items is no data; several items an error asking for a narrower selector', async () => {
    server.answer(() => ({ body: list() }));
    expect(await read(source({ secrets }), t())).toMatchObject({
      kind: 'no-data',
      reason: expect.stringMatching(/no values for labelSelector app=podinfo/),
    });
    server.answer(() => ({ body: list('1', '2') }));
    expect(await read(source({ secrets }), t())).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/2 values; narrow labelSelector/),
    });
  });

  it('on the real API server without an adapter, the reading says which APIService is missing', async () => {
    // as the controller: deploy/rbac's grant makes this a 404 (no adapter), not a 403
    const cluster = testCluster();
    const reading = await read(
      source({ kubeConfig: cluster.kubeConfig(await cluster.controllerKubeconfig()) }),
      template({ type: 'externalmetrics' }, 'default/queue_depth'),
    );
    expect(reading).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/kubectl get apiservice v1beta1.external.metrics.k8s.io/),
    });
  });

  it("parses Flagger's query forms and Kubernetes quantities", () => {
    expect(parseExternalQuery('queue')).toEqual({ namespace: 'default', metric: 'queue' });
    expect(parseExternalQuery('/queue')).toEqual({ namespace: 'default', metric: 'queue' });
    expect(parseExternalQuery('ns/queue?labelSelector=a%3Db%2Cc%21%3Dd')).toEqual({
      namespace: 'ns',
      metric: 'queue',
      labelSelector: 'a=b,c!=d',
    });
    expect(() => parseExternalQuery('a/b/c')).toThrow(/<namespace>\/<metric>/);
    expect([
      parseQuantity('250m'),
      parseQuantity('2k'),
      parseQuantity('1Ki'),
      parseQuantity('1e3'),
      parseQuantity('x'),
    ]).toEqual([0.25, 2000, 1024, 1000, NaN]);
  });

  it('online: the real API server without an adapter is offline naming the APIService; an adapter that answers is online', async () => {
    const cluster = testCluster();
    const controller = source({ kubeConfig: cluster.kubeConfig(await cluster.controllerKubeconfig()) });
    expect(
      await online(controller, template({ type: 'externalmetrics' }, 'default/queue_depth')),
    ).toMatchObject({
      online: false,
      reason: expect.stringMatching(
        /External Metrics API.*kubectl get apiservice v1beta1.external.metrics.k8s.io/,
      ),
    });
    server.answer(() => ({
      body: { kind: 'APIResourceList', groupVersion: 'external.metrics.k8s.io/v1beta1', resources: [] },
    }));
    expect(await online(source({ secrets }), t())).toMatchObject({ online: true });
    expect(server.requests.at(-1)!.path).toBe('/apis/external.metrics.k8s.io/v1beta1');
  });
});
