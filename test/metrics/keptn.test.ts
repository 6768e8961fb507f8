/**
 * Keptn on the real control plane: Keptn's own CRDs (test/fixtures/crds/keptn) are registered there; the
 * test plays the Keptn metrics operator (it writes the KeptnMetric's status and completes the Analysis)
 * and the keptn reader reads through the API server as the controller, with only deploy/rbac's grants.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeptnQuery } from '../../src/metrics/providers/keptn.js';
import { testCluster } from '../cluster/index.js';
import { canary, online, read, source, template } from './fixtures.js';

const cluster = testCluster();
let ns = '';
const at = () => ({ group: 'metrics.keptn.sh', version: 'v1beta1', namespace: ns });
const custom = () => cluster.kubeConfig().makeApiClient(CustomObjectsApi);
let controller = '';
const keptn = () => source({ kubeConfig: cluster.kubeConfig(controller), now: Date.now, timeoutMs: 5000 });

beforeAll(async () => {
  ns = await cluster.newNamespace('keptn');
  controller = await cluster.controllerKubeconfig();
});
afterAll(() => cluster.deleteNamespace(ns));

describe('keptn (real API server, Keptn CRDs)', () => {
  it("reads a KeptnMetric's status.value; a metric without a value yet is no data", async () => {
    await custom().createNamespacedCustomObject({
      ...at(),
      plural: 'keptnmetrics',
      body: {
        apiVersion: 'metrics.keptn.sh/v1beta1',
        kind: 'KeptnMetric',
        metadata: { name: 'podinfo-errors', namespace: ns },
        spec: { provider: { name: 'prometheus' }, query: 'sum(rate(errors[1m]))', fetchIntervalSeconds: 10 },
      },
    });
    const t = template({ type: 'keptn' }, 'keptnmetric/{{ namespace }}/{{ target }}-errors');
    const model = { ...canary, metadata: { ...canary.metadata, namespace: ns } };
    const q = (metric = {}) =>
      keptn().read({
        canary: model,
        metric: { name: 'errors', templateRef: { name: 'keptn-t' }, ...metric },
        template: t,
        intervalMs: 60_000,
      });
    expect(await q()).toMatchObject({
      kind: 'no-data',
      reason: expect.stringMatching(/has no status.value yet/),
    });
    await cluster.kubectl([
      ...['-n', ns, 'patch', 'keptnmetrics.metrics.keptn.sh', 'podinfo-errors', '--subresource=status'],
      ...['--type=merge', '-p', JSON.stringify({ status: { value: '0.25' } })],
    ]);
    expect(await q()).toEqual({ kind: 'value', value: 0.25 });
  });

  it('runs an Analysis: creates it with the definition, timeframe and args, reads the verdict, deletes it', async () => {
    const t = template({ type: 'keptn' }, `analysis/${ns}/podinfo-slo/5m/app=PodInfo;tier=web`);
    const reading = read(keptn(), t);
    // Play Keptn: wait for the Analysis, check what the reader asked for, complete it.
    let created: { metadata: { name: string }; spec: Record<string, unknown> } | undefined;
    for (let i = 0; i < 50 && !created; i++) {
      const list = (await custom().listNamespacedCustomObject({ ...at(), plural: 'analyses' })) as {
        items: (typeof created)[];
      };
      created = list.items[0];
      if (!created) await new Promise((r) => setTimeout(r, 100));
    }
    expect(created?.metadata.name).toMatch(/^podinfo-slo-[0-9a-f]{6}$/);
    expect(created?.spec).toEqual({
      analysisDefinition: { name: 'podinfo-slo' },
      timeframe: { recent: '5m' },
      args: { app: 'PodInfo', tier: 'web' },
    });
    await cluster.kubectl([
      '-n',
      ns,
      'patch',
      'analyses.metrics.keptn.sh',
      created!.metadata.name,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({
        status: {
          state: 'Completed',
          pass: false,
          timeframe: { from: new Date(Date.now() - 300_000).toISOString(), to: new Date().toISOString() },
        },
      }),
    ]);
    expect(await reading).toEqual({ kind: 'value', value: 0 });
    const after = (await custom().listNamespacedCustomObject({ ...at(), plural: 'analyses' })) as {
      items: unknown[];
    };
    expect(after.items).toEqual([]);
  }, 30_000);

  it('a malformed query names the expected form', () => {
    expect(() => parseKeptnQuery('metric/ns/name')).toThrow(/must start with keptnmetric or analysis/);
    expect(() => parseKeptnQuery('keptnmetric/ns')).toThrow(/<keptnmetric\|analysis>\/<namespace>\/<name>/);
  });

  it("online: the API server serves Keptn's metrics API (its CRDs are registered here)", async () => {
    expect(await online(keptn(), template({ type: 'keptn' }, 'keptnmetric/x/y'))).toMatchObject({
      online: true,
    });
  });
});
