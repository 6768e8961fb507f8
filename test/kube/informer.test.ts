/**
 * The supervised informer (src/kube/informer.ts) against the real API server, through a fault proxy
 * that cuts its watches and fails its lists, and with etcd compacted under a resuming watch (410).
 */
import type { CoreV1Event, KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClients, type KubeClients } from '../../src/kube/client.js';
import { superviseInformer, type InformerOptions, type SupervisedInformer } from '../../src/kube/informer.js';
import { compactEtcd } from '../cluster/etcd.js';
import { startFaultProxy, type FaultProxy } from '../cluster/fault-proxy.js';
import { testCluster } from '../cluster/index.js';

const cluster = testCluster();
let admin: KubeClients;
let proxy: FaultProxy;
/** The informers' clients: every call goes through the fault proxy. */
let viaProxy: KubeClients;
let ns: string;

beforeAll(async () => {
  admin = cluster.adminClients();
  proxy = await startFaultProxy(cluster.kubeconfig);
  viaProxy = makeClients(proxy.kubeConfig());
  ns = await cluster.newNamespace('informer');
});
afterAll(async () => {
  await proxy?.close();
  if (ns) await cluster.deleteNamespace(ns);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls until `check` holds; the deadline only bounds a hang (a loaded machine stretches every timer). */
async function eventually(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

function informerOf<T extends KubernetesObject>(
  resource: 'configmaps' | 'events',
  listPage: InformerOptions<T>['listPage'],
  seen: Set<string>,
  log: string[],
): SupervisedInformer<T> {
  return superviseInformer<T>({
    clients: viaProxy,
    path: `/api/v1/namespaces/${ns}/${resource}`,
    listPage,
    handlers: {
      onUpsert: (obj) => seen.add(obj.metadata?.name ?? ''),
      onDelete: (obj) => seen.delete(obj.metadata?.name ?? ''),
    },
    maxBackoffMs: 200,
    log: (m) => log.push(m),
  });
}

const configMapInformer = (seen: Set<string>, log: string[]) =>
  informerOf<KubernetesObject>(
    'configmaps',
    (page) => viaProxy.core.listNamespacedConfigMap({ namespace: ns, ...page }),
    seen,
    log,
  );

const configMap = (name: string): V1ConfigMap => ({ metadata: { name, namespace: ns }, data: { a: '1' } });

const event = (name: string): CoreV1Event => ({
  metadata: { name, namespace: ns },
  involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'informed', namespace: ns },
  reason: 'Tested',
  message: name,
  type: 'Normal',
});

describe('supervised informer', () => {
  it('keeps delivering changes after the API server drops its watches', async () => {
    const seen = new Set<string>();
    const log: string[] = [];
    const informer = configMapInformer(seen, log);
    await admin.core.createNamespacedConfigMap({ namespace: ns, body: configMap('before') });
    await informer.start();
    await eventually(() => seen.has('before'), 'the initial list is seen');

    // Three abrupt cuts (a reset mid-stream) and one clean end of the watch stream.
    for (const [round, abrupt] of [true, true, true, false].entries()) {
      await eventually(() => proxy.openWatches > 0, `the informer watches again (round ${round})`);
      expect(proxy.cutConnections({ abrupt })).toBeGreaterThan(0);
      await admin.core.createNamespacedConfigMap({ namespace: ns, body: configMap(`after-${round}`) });
      await eventually(() => seen.has(`after-${round}`), `a configmap created after drop ${round} is seen`);
    }
    await admin.core.deleteNamespacedConfigMap({ name: 'before', namespace: ns });
    await eventually(() => !seen.has('before'), 'the deletion is seen');
    expect(informer.healthy).toBe(true);
    await informer.stop();
  }, 120_000);

  it('retries a failing initial list with backoff instead of giving up', async () => {
    const seen = new Set<string>();
    const log: string[] = [];
    const since = proxy.requests.length;
    proxy.fail({ verb: 'list', resource: 'configmaps', namespace: ns }, { status: 503, times: 2 });
    const informer = configMapInformer(seen, log);
    await informer.start();
    await eventually(() => seen.has('after-0'), 'the list succeeds after the faults');
    expect(log.join('\n')).toMatch(/configmaps/);
    const lists = proxy.requests.slice(since).filter((r) => r.verb === 'list' && r.namespace === ns);
    expect(lists.map((r) => `${r.status}${r.injected ? ' injected' : ''}`)).toEqual([
      '503 injected',
      '503 injected',
      '200',
    ]);
    await informer.stop();
  }, 60_000);

  it('relists when its watch resumes from a resourceVersion etcd has compacted (410 Expired)', async () => {
    // Events have no watch cache in kube-apiserver, so a watch from a compacted revision reaches etcd.
    await admin.core.createNamespacedEvent({ namespace: ns, body: event('before') });
    const seen = new Set<string>();
    const log: string[] = [];
    const since = proxy.requests.length;
    const informer = informerOf<CoreV1Event>(
      'events',
      (page) => viaProxy.core.listNamespacedEvent({ namespace: ns, ...page }),
      seen,
      log,
    );
    await informer.start();
    await eventually(() => seen.has('before'), 'the initial list is seen');
    const eventWatches = () =>
      proxy.requests.slice(since).filter((r) => r.verb === 'watch' && r.resource === 'events');
    await eventually(() => eventWatches().some((r) => r.status === 200), 'the informer watches events');

    // End the watch the way the server does; the informer resumes from its last resourceVersion, and
    // that request is held while the world moves on and etcd forgets the revisions in between.
    const held = proxy.hold({ verb: 'watch', resource: 'events', namespace: ns });
    expect(proxy.cutConnections({ abrupt: false })).toBeGreaterThan(0);
    const resumed = await held.arrived;
    expect(new URL(resumed.url, proxy.url).searchParams.get('resourceVersion')).toMatch(/^\d+$/);
    await admin.core.createNamespacedEvent({ namespace: ns, body: event('after') });
    await admin.core.deleteNamespacedEvent({ name: 'before', namespace: ns });
    await compactEtcd(cluster.kubeconfig, cluster.bin);
    held.release();

    await eventually(() => seen.has('after') && !seen.has('before'), 'the relist replaces what was missed');
    expect(resumed.watchErrors).toEqual([410]);
    const lists = proxy.requests.slice(since).filter((r) => r.verb === 'list' && r.resource === 'events');
    expect(lists.map((r) => r.status)).toEqual([200, 200]);
    // client-node's ListWatch handles 410 itself: no failure, no supervised restart.
    expect(log).toEqual([]);
    expect(informer.healthy).toBe(true);
    await informer.stop();
  }, 60_000);
});
