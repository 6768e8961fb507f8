/**
 * The registry is what the controller and `aviary run` use: a Datadog MetricTemplate read through the
 * controller's ports (its credentials from a real Secret, read with the controller's own RBAC) and through
 * the local run's metric source (the Secret from the manifests) reaches the Datadog reader.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Canary } from '../../src/api/types.js';
import { kubePortsFactory } from '../../src/controller/kube-ports.js';
import { makeClients } from '../../src/kube/client.js';
import { localRunMetricSource } from '../../src/local/run/metric-source.js';
import { testCluster } from '../cluster/index.js';
import { canary, template } from './fixtures.js';
import { recordingServer, type RecordingServer } from './recording-server.js';

let server: RecordingServer;
const cluster = testCluster();
let ns = '';
beforeAll(async () => {
  server = await recordingServer();
  server.answer(() => ({ body: { status: 'ok', series: [{ scope: 'x', pointlist: [[0, 7]] }] } }));
  ns = await cluster.newNamespace('metrics-wiring');
  await cluster.adminClients().core.createNamespacedSecret({
    namespace: ns,
    body: {
      metadata: { name: 'datadog' },
      stringData: { datadog_api_key: 'ctrl-api-key', datadog_application_key: 'ctrl-app-key' },
    },
  });
});
afterAll(async () => {
  await cluster.deleteNamespace(ns);
  await server.close();
});

const ddTemplate = (namespace: string) => {
  const t = template(
    { type: 'datadog', address: server.url, secretRef: { name: 'datadog' } },
    'sum:errors{app:{{ target }}}.as_count()',
  );
  t.metadata = { name: 'dd-errors', namespace };
  return t;
};
const metric = {
  name: 'errors',
  interval: '1m',
  templateRef: { name: 'dd-errors' },
  thresholdRange: { max: 10 },
};

describe('the metric provider registry in the controller and in aviary run', () => {
  it("controller: the template's Secret is read from the cluster with the controller's RBAC", async () => {
    const clients = makeClients(cluster.kubeConfig(await cluster.controllerKubeconfig()));
    const t = ddTemplate(ns);
    const inNs: Canary = { ...canary, metadata: { ...canary.metadata, namespace: ns } };
    const ports = kubePortsFactory({
      clients,
      metricsServer: 'http://127.0.0.1:1',
      meshProvider: 'kubernetes',
      log: { info() {}, warn() {}, error() {} },
    })(inNs, {
      metricTemplate: (namespace, name) => (namespace === ns && name === 'dd-errors' ? t : undefined),
      alertProvider: () => undefined,
    });
    expect(await ports.metrics.read({ canary: inNs, metric, template: t, intervalMs: 60_000 })).toEqual({
      kind: 'value',
      value: 7,
    });
    expect(server.requests.at(-1)?.headers['dd-api-key']).toBe('ctrl-api-key');
  });

  it('aviary run: the Secret comes from the manifests', async () => {
    const local = { read: () => Promise.resolve({ kind: 'error' as const, reason: 'local router reached' }) };
    const secrets = new Map([
      ['datadog', { datadog_api_key: 'local-api-key', datadog_application_key: 'local-app-key' }],
    ]);
    const t = ddTemplate('test');
    const source = localRunMetricSource(local, secrets, [t]);
    expect(await source.read({ canary, metric, template: t, intervalMs: 60_000 })).toEqual({
      kind: 'value',
      value: 7,
    });
    expect(server.requests.at(-1)?.headers['dd-application-key']).toBe('local-app-key');
  });
});
