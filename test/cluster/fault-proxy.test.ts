import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClients, type KubeClients } from '../../src/kube/client.js';
import { kubeFailure } from '../../src/kube/failure.js';
import { classify, startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { testCluster } from './index.js';

/** The fault proxy itself: real answers pass through, injected ones look like the API server's. */
describe('fault proxy', () => {
  const cluster = testCluster();
  let proxy: FaultProxy;
  let clients: KubeClients;
  let ns: string;

  beforeAll(async () => {
    proxy = await startFaultProxy(cluster.kubeconfig);
    clients = makeClients(proxy.kubeConfig());
    ns = await cluster.newNamespace('fault-proxy');
  });
  afterAll(async () => {
    await proxy?.close();
    if (ns) await cluster.deleteNamespace(ns);
  });

  it('names requests by their RBAC verb and resource', () => {
    expect(classify('GET', '/apis/aviary.dev/v1beta1/namespaces/a/canaries?watch=true')).toEqual({
      verb: 'watch',
      group: 'aviary.dev',
      resource: 'canaries',
      namespace: 'a',
    });
    expect(classify('PUT', '/apis/aviary.dev/v1beta1/namespaces/a/canaries/x/status')).toMatchObject({
      verb: 'update',
      resource: 'canaries',
      name: 'x',
      subresource: 'status',
    });
    expect(classify('GET', '/api/v1/namespaces')).toMatchObject({ verb: 'list', resource: 'namespaces' });
    expect(classify('DELETE', '/api/v1/namespaces/a/pods')).toMatchObject({ verb: 'deletecollection' });
    expect(classify('GET', '/version')).toEqual({});
  });

  it("forwards with the kubeconfig's credentials, and fails matching requests as the server would", async () => {
    await clients.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'real' } } });
    proxy.fail(
      { verb: 'get', resource: 'configmaps', namespace: ns },
      { status: 429, retryAfterSeconds: 2, times: 1 },
    );
    const refused = await clients.core
      .readNamespacedConfigMap({ name: 'real', namespace: ns })
      .catch((err: unknown) => err);
    expect(kubeFailure(refused)).toMatchObject({ code: 429, reason: 'TooManyRequests' });
    expect((refused as { headers?: Record<string, string> }).headers?.['retry-after']).toBe('2');
    const read = await clients.core.readNamespacedConfigMap({ name: 'real', namespace: ns });
    expect(read.metadata?.name).toBe('real');
    const gets = proxy.requests.filter((r) => r.verb === 'get' && r.namespace === ns);
    expect(gets.map((r) => [r.status, r.injected])).toEqual([
      [429, true],
      [200, false],
    ]);
  });

  it('delays a request, and holds one until released', async () => {
    proxy.delay({ verb: 'list', resource: 'configmaps', namespace: ns }, { ms: 1000 });
    const started = Date.now();
    await clients.core.listNamespacedConfigMap({ namespace: ns });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // a lower bound only

    const held = proxy.hold({ verb: 'list', resource: 'configmaps', namespace: ns });
    let answered = false;
    const listing = clients.core.listNamespacedConfigMap({ namespace: ns }).then((list) => {
      answered = true;
      return list;
    });
    const request = await held.arrived;
    expect(answered).toBe(false);
    expect(request.status).toBe(0);
    held.release();
    expect((await listing).items.some((c) => c.metadata?.name === 'real')).toBe(true);
    expect(request.status).toBe(200);
  });

  it('cuts open watches cleanly (end of stream) or abruptly (an error mid-stream)', async () => {
    const watchUrl = `${proxy.url}/api/v1/namespaces/${ns}/configmaps?watch=true`;
    const until = async (check: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error('timed out waiting for the watch');
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const read = async (response: Response, seen: { events: number }) => {
      const reader = response.body!.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return 'cleanly';
          seen.events += new TextDecoder().decode(value).split('\n').filter(Boolean).length;
        }
      } catch {
        return 'with an error';
      }
    };

    const clean = await fetch(watchUrl);
    expect(clean.status).toBe(200);
    const seen = { events: 0 };
    const cleanRead = read(clean, seen);
    await until(() => seen.events > 0); // ADDED events: the server's answer streams through
    expect(proxy.cutConnections({ abrupt: false })).toBe(1);
    expect(await cleanRead).toBe('cleanly');

    const abrupt = await fetch(watchUrl);
    const abruptSeen = { events: 0 };
    const abruptRead = read(abrupt, abruptSeen);
    await until(() => abruptSeen.events > 0);
    expect(proxy.cutConnections({ abrupt: true })).toBe(1);
    expect(await abruptRead).toBe('with an error');
    await until(() => proxy.openWatches === 0);
    expect(proxy.openWatches).toBe(0);
  });
});
