/**
 * GET /api/canaries from the real API server, through client-node: real Canaries (the CRD's schema and
 * status subresource), real core v1 Events, real RBAC refusals; a fault proxy for a hung server and a
 * failing Events list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, VERSION, MERGE_PATCH, makeClients, type KubeClients } from '../../src/kube/client.js';
import { kubeSource, startDashboard, type Dashboard } from '../../src/dashboard/index.js';
import { INTENT_ANNOTATION, kubeIntents } from '../../src/intents/index.js';
import { freePort } from '../../src/local/free-port.js';
import { startFaultProxy, type FaultProxy } from '../cluster/fault-proxy.js';
import { testCluster } from '../cluster/index.js';
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

const event = (namespace: string, name: string, reason: string, at: string, involved: object) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name, namespace },
  involvedObject: { namespace, ...involved },
  type: reason === 'Halt' ? 'Warning' : 'Normal',
  reason,
  message: `${reason} message`,
  count: 1,
  firstTimestamp: new Date(at),
  lastTimestamp: new Date(at),
});

describe('dashboard: Kubernetes source', () => {
  const cluster = testCluster();
  let admin: KubeClients;
  let proxy: FaultProxy;
  /** Admin clients whose calls go through the fault proxy. */
  let viaProxy: KubeClients;
  /** Holds podinfo (with status and events); `other` is in a namespace that sorts before it. */
  let ns: string;
  let otherNs: string;
  const dashboards: Dashboard[] = [];
  const start = async (options: Parameters<typeof kubeSource>[0]) => {
    const dashboard = await startDashboard({ source: kubeSource(options), port: 0 });
    dashboards.push(dashboard);
    return dashboard;
  };

  beforeAll(async () => {
    admin = cluster.adminClients();
    proxy = await startFaultProxy(cluster.kubeconfig);
    viaProxy = makeClients(proxy.kubeConfig());
    otherNs = await cluster.newNamespace('dash-a');
    ns = await cluster.newNamespace('dash-b');
    const create = (namespace: string, body: object) =>
      admin.custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        plural: 'canaries',
        namespace,
        body,
      });
    await create(ns, canary('podinfo', ns));
    await create(otherNs, canary('other', otherNs));
    await admin.custom.patchNamespacedCustomObjectStatus(
      {
        group: GROUP,
        version: VERSION,
        plural: 'canaries',
        namespace: ns,
        name: 'podinfo',
        body: { status: STATUS },
      },
      MERGE_PATCH,
    );
    const podinfo = { apiVersion: 'aviary.dev/v1beta1', kind: 'Canary', name: 'podinfo' };
    for (const body of [
      event(ns, 'podinfo.1', 'Synced', '2024-05-01T09:00:00Z', podinfo),
      event(ns, 'podinfo.2', 'Halt', '2024-05-01T10:00:00Z', podinfo),
      // Same kind, another API group (a Flagger Canary of the same name): not ours.
      event(ns, 'flagger.1', 'Flagger', '2024-05-01T11:00:00Z', {
        ...podinfo,
        apiVersion: 'flagger.app/v1beta1',
      }),
    ]) {
      await admin.core.createNamespacedEvent({ namespace: ns, body });
    }
  });

  afterAll(async () => {
    await Promise.all(dashboards.map((d) => d.close()));
    await proxy?.close();
    await Promise.all([ns, otherNs].filter(Boolean).map((n) => cluster.deleteNamespace(n)));
  });

  it('lists the canaries of one namespace with their status, spec limits and events, newest first', async () => {
    const dashboard = await start({ clients: admin, namespace: ns });
    const { status, body } = await getJson(`${dashboard.url}api/canaries`);
    expect(status).toBe(200);
    expect(body.error).toBeUndefined();
    expect(body.source).toContain(`namespace ${ns}`);
    expect(body.canaries).toEqual([
      {
        name: 'podinfo',
        namespace: ns,
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
    const dashboard = await start({ clients: admin });
    const { body } = await getJson(`${dashboard.url}api/canaries`);
    expect(body.source).toContain('all namespaces');
    // The cluster is shared: other tests' canaries are listed too, so look at this test's two.
    const ours = body.canaries.filter((c) => c.namespace === ns || c.namespace === otherNs);
    expect(ours.map((c) => `${c.namespace}/${c.name}`)).toEqual([`${otherNs}/other`, `${ns}/podinfo`]);
    expect(ours[0]).toEqual({
      name: 'other',
      namespace: otherNs,
      lastChecks: [],
      events: [],
      threshold: 3,
      maxWeight: 40,
    });
    expect(ours[1]?.events.map((e) => e.reason)).toEqual(['Halt', 'Synced']);
  });

  it('a hung API server gives a 503 with the reason within the deadline', async () => {
    const dashboard = await start({ clients: viaProxy, namespace: ns, timeoutMs: 300 });
    // The list reaches the proxy and is held there: the server has not answered when the dashboard does.
    const held = proxy.hold({ resource: 'canaries.aviary.dev', verb: 'list', namespace: ns });
    try {
      const { status, body } = await getJson(`${dashboard.url}api/canaries`);
      expect(status).toBe(503);
      expect(body.canaries).toEqual([]);
      expect(body.error).toMatch(
        /listing canaries\.aviary\.dev at http:\/\/127\.0\.0\.1:\d+: no answer within 300 ms/,
      );
      const request = await held.arrived;
      expect(request.status).toBe(0); // still held: never answered
    } finally {
      held.release();
    }
  });

  it('an API server that refuses the call shows its status', async () => {
    // A ServiceAccount with no grants: the real RBAC authorizer answers 403.
    await admin.core.createNamespacedServiceAccount({
      namespace: ns,
      body: { metadata: { name: 'nobody' } },
    });
    const kubeconfig = await cluster.serviceAccountKubeconfig(ns, 'nobody');
    const dashboard = await start({ clients: makeClients(cluster.kubeConfig(kubeconfig)), namespace: ns });
    const { status, body } = await getJson(`${dashboard.url}api/canaries`);
    expect(status).toBe(503);
    expect(body.error).toContain(
      `403 Forbidden: canaries.aviary.dev is forbidden: User "system:serviceaccount:${ns}:nobody" cannot list resource "canaries" in API group "aviary.dev" in the namespace "${ns}" — the dashboard needs list on canaries.aviary.dev and events`,
    );
  });

  it('failing events only mark the events, the canaries still show', async () => {
    const dashboard = await start({ clients: viaProxy, namespace: ns });
    proxy.fail(
      { resource: 'events', verb: 'list', namespace: ns },
      { status: 500, reason: 'InternalError', message: 'etcd away' },
    );
    const { status, body } = await getJson(`${dashboard.url}api/canaries`);
    expect(status).toBe(200);
    expect(body.canaries[0]).toMatchObject({ name: 'podinfo', phase: 'Progressing', events: [] });
    expect(body.canaries[0]?.eventsError).toContain('500 InternalError: etcd away');
  });

  it('events the dashboard may not list are marked forbidden, the canaries still show', async () => {
    // Granted canaries only (a real Role), so the real server refuses the Events list.
    await admin.core.createNamespacedServiceAccount({
      namespace: ns,
      body: { metadata: { name: 'canaries-only' } },
    });
    for (const args of [
      ['create', 'role', 'canaries-only', '--verb=list', '--resource=canaries.aviary.dev'],
      [
        'create',
        'rolebinding',
        'canaries-only',
        '--role=canaries-only',
        `--serviceaccount=${ns}:canaries-only`,
      ],
    ]) {
      const { code, stderr } = await cluster.kubectl([...args, '-n', ns]);
      expect(code, stderr).toBe(0);
    }
    const kubeconfig = await cluster.serviceAccountKubeconfig(ns, 'canaries-only');
    const dashboard = await start({ clients: makeClients(cluster.kubeConfig(kubeconfig)), namespace: ns });
    const { status, body } = await getJson(`${dashboard.url}api/canaries`);
    expect(status).toBe(200);
    expect(body.canaries[0]).toMatchObject({ name: 'podinfo', phase: 'Progressing', events: [] });
    expect(body.canaries[0]?.eventsError).toContain('403 Forbidden: events is forbidden');
  });

  it('an unreachable API server gives a 503 with the reason, and the server keeps serving', async () => {
    const port = await freePort();
    const config = cluster.kubeConfig();
    const current = config.getCurrentCluster();
    if (!current) throw new Error('kubeconfig without a cluster');
    config.clusters = config.clusters.map((c) =>
      c.name === current.name ? { ...c, server: `https://127.0.0.1:${port}` } : c,
    );
    const dashboard = await start({ clients: makeClients(config), timeoutMs: 1000 });
    const { status, body } = await getJson(`${dashboard.url}api/canaries`);
    expect(status).toBe(503);
    expect(body.error).toContain(`https://127.0.0.1:${port}`);
    expect(body.error).toMatch(/ECONNREFUSED.*check --kubeconfig/);
    const health = await fetch(`${dashboard.url}healthz`);
    expect(health.status).toBe(200);
  });

  it("an action leaves the intent annotation on the Canary and an Event naming the dashboard's user", async () => {
    const token = 'a-long-enough-dashboard-token-0123';
    const dashboard = await startDashboard({
      source: kubeSource({ clients: admin, namespace: ns }),
      port: 0,
      actions: { token, intents: kubeIntents({ clients: admin }) },
    });
    dashboards.push(dashboard);
    const detail = await fetch(`${dashboard.url}api/canary?namespace=${ns}&name=podinfo`);
    expect(((await detail.json()) as { actions: string[] }).actions).toEqual([
      'promote',
      'abort',
      'pause',
      'resume',
    ]);
    const res = await fetch(`${dashboard.url}api/intent`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: dashboard.url.replace(/\/$/, ''),
        'x-aviary-token': token,
      },
      body: JSON.stringify({ kind: 'promote', name: 'podinfo', namespace: ns }),
      signal: AbortSignal.timeout(15_000),
    });
    expect(res.status).toBe(202);
    const { intent } = (await res.json()) as { intent: { id: string; user: string } };
    const stored = (await admin.custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: 'canaries',
      namespace: ns,
      name: 'podinfo',
    })) as { metadata: { annotations?: Record<string, string> }; spec: object };
    expect(JSON.parse(stored.metadata.annotations?.[INTENT_ANNOTATION] ?? '{}')).toMatchObject({
      id: intent.id,
      kind: 'promote',
    });
    expect(stored.spec).toEqual(canary('podinfo', ns).spec); // the spec is never touched
    const events = await admin.core.listNamespacedEvent({ namespace: ns });
    expect(events.items.map((e) => e.message)).toContain(
      `promote requested by ${intent.user} (intent ${intent.id})`,
    );
  });
});
