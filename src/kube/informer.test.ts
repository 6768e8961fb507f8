import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApiServer, type FakeApiServer } from '../../test/harness/index.js';
import { makeClients, type KubeClients } from './client.js';
import { superviseInformer, type SupervisedInformer } from './informer.js';

let server: FakeApiServer;
let clients: KubeClients;
beforeAll(async () => {
  server = await startFakeApiServer({ namespaces: ['watched'] });
  clients = makeClients(server.kubeConfig());
});
afterAll(() => server.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 8000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

function configMapInformer(seen: Set<string>, log: string[]): SupervisedInformer<KubernetesObject> {
  return superviseInformer<KubernetesObject>({
    clients,
    path: '/api/v1/namespaces/watched/configmaps',
    list: () => clients.core.listNamespacedConfigMap({ namespace: 'watched' }),
    handlers: {
      onUpsert: (obj) => seen.add(obj.metadata?.name ?? ''),
      onDelete: (obj) => seen.delete(obj.metadata?.name ?? ''),
    },
    maxBackoffMs: 200,
    log: (m) => log.push(m),
  });
}

const configMap = (name: string): V1ConfigMap => ({
  metadata: { name, namespace: 'watched' },
  data: { a: '1' },
});

describe('supervised informer', () => {
  it('keeps delivering changes after the API server drops its watches', async () => {
    const seen = new Set<string>();
    const log: string[] = [];
    const informer = configMapInformer(seen, log);
    await clients.core.createNamespacedConfigMap({ namespace: 'watched', body: configMap('before') });
    await informer.start();
    await eventually(() => seen.has('before'), 'the initial list is seen');

    for (let round = 0; round < 3; round++) {
      server.dropWatches({ abrupt: true });
      await clients.core.createNamespacedConfigMap({
        namespace: 'watched',
        body: configMap(`after-${round}`),
      });
      await eventually(() => seen.has(`after-${round}`), `a configmap created after drop ${round} is seen`);
    }
    await clients.core.deleteNamespacedConfigMap({ name: 'before', namespace: 'watched' });
    await eventually(() => !seen.has('before'), 'the deletion is seen');
    expect(informer.healthy).toBe(true);
    await informer.stop();
  });

  it('retries a failing initial list with backoff instead of giving up', async () => {
    const seen = new Set<string>();
    const log: string[] = [];
    server.injectFault({ verb: 'list', resource: 'configmaps', namespace: 'watched', times: 2, code: 503 });
    const informer = configMapInformer(seen, log);
    await informer.start();
    await eventually(() => seen.has('after-0'), 'the list succeeds after the faults');
    expect(log.join('\n')).toMatch(/configmaps/);
    await informer.stop();
  });
});
