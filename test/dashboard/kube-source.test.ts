/** GET /api/canaries against the in-memory Kubernetes API server, through client-node. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, VERSION, MERGE_PATCH, makeClients, type KubeClients } from '../../src/kube/client.js';
import { kubeSource, startDashboard, type Dashboard } from '../../src/dashboard/index.js';
import { startFakeApiServer, type FakeApiServer } from '../harness/index.js';
import { freePort } from '../../src/local/free-port.js';
import { getJson } from './support.js';

const canary = (name: string, namespace: string) => ({
  apiVersion: 'aviary.dev/v1beta1',
  kind: 'Canary',
  metadata: { name, namespace },
  spec: {
    targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
    service: { port: 9898 },
    analysis: { interval: '1m', threshold: 3, maxWeight: 40, stepWeight: 10 },
  },
});

const STATUS = {
  phase: 'Progressing',
  canaryWeight: 20,
  failedChecks: 1,
  iterations: 2,
  lastTransitionTime: '2024-05-01T10:00:00Z',
  failureReason: 'request-success-rate 91% < 99%',
  lastChecks: [
    {
      name: 'request-success-rate',
      decision: 'fail',
      value: 91,
      samples: 400,
      threshold: '>= 99',
      message: 'success rate 91% < 99%',
    },
  ],
};

const event = (name: string, reason: string, at: string, involved: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name, namespace: 'test' },
  involvedObject: { namespace: 'test', ...involved },
  type: reason === 'Halt' ? 'Warning' : 'Normal',
  reason,
  message: `${reason} message`,
  count: 1,
  firstTimestamp: at,
  lastTimestamp: at,
});

describe('dashboard: Kubernetes source', () => {
  let server: FakeApiServer;
  let clients: KubeClients;
  const dashboards: Dashboard[] = [];
  const start = async (options: Parameters<typeof kubeSource>[0]) => {
    const dashboard = await startDashboard({ source: kubeSource(options), port: 0 });
    dashboards.push(dashboard);
    return dashboard;
  };

  beforeAll(async () => {
    server = await startFakeApiServer({ crdDirs: ['deploy/crds'], namespaces: ['test'] });
    clients = makeClients(server.kubeConfig());
    server.create(canary('podinfo', 'test'));
    server.create(canary('other', 'default'));
    await clients.custom.patchNamespacedCustomObjectStatus(
      {
        group: GROUP,
        version: VERSION,
        plural: 'canaries',
        namespace: 'test',
        name: 'podinfo',
        body: { status: STATUS },
      },
      MERGE_PATCH,
    );
    const podinfo = { apiVersion: 'aviary.dev/v1beta1', kind: 'Canary', name: 'podinfo' };
    server.create(event('podinfo.1', 'Synced', '2024-05-01T09:00:00Z', podinfo));
    server.create(event('podinfo.2', 'Halt', '2024-05-01T10:00:00Z', podinfo));
    // Same kind, another API group (a Flagger Canary of the same name): not ours.
    server.create(
      event('flagger.1', 'Flagger', '2024-05-01T11:00:00Z', {
        ...podinfo,
        apiVersion: 'flagger.app/v1beta1',
      }),
    );
  });

  afterAll(async () => {
    await Promise.all(dashboards.map((d) => d.close()));
    await server?.close();
  });

  it('lists the canaries of one namespace with their status, spec limits and events, newest first', async () => {
    const dashboard = await start({ clients, namespace: 'test' });
    const { status, body } = await getJson(`${dashboard.url}api/canaries`);
    expect(status).toBe(200);
    expect(body.error).toBeUndefined();
    expect(body.source).toContain('namespace test');
    expect(body.canaries).toEqual([
      {
        name: 'podinfo',
        namespace: 'test',
        ...STATUS,
        maxWeight: 40,
        threshold: 3,
        events: [
          expect.objectContaining({
            type: 'Warning',
            reason: 'Halt',
            message: 'Halt message',
            time: '2024-05-01T10:00:00.000Z',
          }),
          expect.objectContaining({ type: 'Normal', reason: 'Synced', time: '2024-05-01T09:00:00.000Z' }),
        ],
      },
    ]);
  });

  it('lists every namespace when no namespace is given', async () => {
    const dashboard = await start({ clients });
    const { body } = await getJson(`${dashboard.url}api/canaries`);
    expect(body.canaries.map((c) => `${c.namespace}/${c.name}`)).toEqual(['default/other', 'test/podinfo']);
    expect(body.canaries[0]).toEqual({
      name: 'other',
      namespace: 'default',
      lastChecks: [],
      events: [],
      threshold: 3,
      maxWeight: 40,
    });
    expect(body.canaries[1]?.events.map((e) => e.reason)).toEqual(['Halt', 'Synced']);
  });

  it('a hung API server gives a 503 with the reason within the deadline', async () => {
    const dashboard = await start({ clients, namespace: 'test', timeoutMs: 300 });
    server.injectFault({ resource: 'canaries.aviary.dev', verb: 'list', delayMs: 3000, times: 1 });
    const started = Date.now();
    const { status, body } = await getJson(`${dashboard.url}api/canaries`);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(status).toBe(503);
    expect(body.canaries).toEqual([]);
    expect(body.error).toMatch(
      /listing canaries\.aviary\.dev at http:\/\/127\.0\.0\.1:\d+: no answer within 300 ms/,
    );
  });

  it('an API server that refuses the call shows its status', async () => {
    const dashboard = await start({ clients, namespace: 'test' });
    server.injectFault({
      resource: 'canaries.aviary.dev',
      verb: 'list',
      code: 403,
      reason: 'Forbidden',
      message: 'no list for you',
      times: 1,
    });
    const { status, body } = await getJson(`${dashboard.url}api/canaries`);
    expect(status).toBe(503);
    expect(body.error).toContain(
      '403 Forbidden: no list for you — the dashboard needs list on canaries.aviary.dev and events',
    );
  });

  it('failing events only mark the events, the canaries still show', async () => {
    const dashboard = await start({ clients, namespace: 'test' });
    server.injectFault({
      resource: 'events',
      verb: 'list',
      code: 500,
      reason: 'InternalError',
      message: 'etcd away',
      times: 1,
    });
    const { status, body } = await getJson(`${dashboard.url}api/canaries`);
    expect(status).toBe(200);
    expect(body.canaries[0]).toMatchObject({ name: 'podinfo', phase: 'Progressing', events: [] });
    expect(body.canaries[0]?.eventsError).toContain('500 InternalError: etcd away');
  });

  it('an unreachable API server gives a 503 with the reason, and the server keeps serving', async () => {
    const port = await freePort();
    const config = server.kubeConfig();
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig without a cluster');
    config.clusters = config.clusters.map((c) =>
      c.name === cluster.name ? { ...c, server: `http://127.0.0.1:${port}` } : c,
    );
    const dashboard = await start({ clients: makeClients(config), timeoutMs: 1000 });
    const { status, body } = await getJson(`${dashboard.url}api/canaries`);
    expect(status).toBe(503);
    expect(body.error).toContain(`http://127.0.0.1:${port}`);
    expect(body.error).toMatch(/ECONNREFUSED.*check --kubeconfig/);
    const health = await fetch(`${dashboard.url}healthz`);
    expect(health.status).toBe(200);
  });
});
