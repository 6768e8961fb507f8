/**
 * Listing page by page (src/kube/paged-list.ts) against the real API server: every object once, plain
 * JSON, a resourceVersion a watch resumes from, and a continue token expired by etcd's compaction
 * (a real 410) answered by a fresh list.
 */
import { Watch, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClients } from '../../src/kube/client.js';
import { kubeFailure } from '../../src/kube/failure.js';
import { pagedList, type PageFetcher } from '../../src/kube/paged-list.js';
import { compactEtcd } from '../cluster/etcd.js';
import { testCluster } from '../cluster/index.js';

const cluster = testCluster();
let admin: KubeClients;
let ns: string;
const CONFIGMAPS = 23;
const EVENTS = 12;

beforeAll(async () => {
  admin = cluster.adminClients();
  ns = await cluster.newNamespace('paged-list');
  for (let i = 0; i < CONFIGMAPS; i++) {
    await admin.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: `cm-${i}` }, data: { i: String(i) } },
    });
  }
  for (let i = 0; i < EVENTS; i++) await createEvent(`ev-${i}`);
  // The controller manager publishes kube-root-ca.crt into every namespace: wait for it, so the count
  // of ConfigMaps the list must find is known.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = await admin.core
      .readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace: ns })
      .then(() => true)
      .catch(() => false);
    if (found) break;
    if (Date.now() > deadline) throw new Error(`kube-root-ca.crt never appeared in ${ns}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 120_000);
afterAll(async () => {
  if (ns) await cluster.deleteNamespace(ns);
});

function createEvent(name: string) {
  return admin.core.createNamespacedEvent({
    namespace: ns,
    body: {
      metadata: { name },
      involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm-0', namespace: ns },
      reason: 'Tested',
      message: name,
      type: 'Normal',
    },
  });
}

/** The page requests made and the status each got (0 for a thrown non-API error). */
function recorded(fetch: PageFetcher) {
  const calls: { continued: boolean; status: number; items: number }[] = [];
  const fetchPage: PageFetcher = async (page) => {
    try {
      const result = (await fetch(page)) as { items: unknown[] };
      calls.push({ continued: Boolean(page._continue), status: 200, items: result.items.length });
      return result;
    } catch (err) {
      calls.push({ continued: Boolean(page._continue), status: kubeFailure(err)?.code ?? 0, items: 0 });
      throw err;
    }
  };
  return { calls, fetchPage };
}

const names = (items: KubernetesObject[]) => items.map((o) => o.metadata?.name ?? '').sort();
const expected = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`).sort();

describe('pagedList', () => {
  it('lists every object exactly once, a page at a time, as plain JSON with a resourceVersion a watch resumes from', async () => {
    const { calls, fetchPage } = recorded((page) =>
      admin.core.listNamespacedConfigMap({ namespace: ns, ...page }),
    );
    const list = await pagedList<KubernetesObject>(fetchPage, {
      pageSize: 5,
      each: (o) => {
        delete o.metadata?.managedFields;
        return o;
      },
    });

    // Ours and the namespace's own kube-root-ca.crt, each once.
    expect(names(list.items)).toEqual([...expected('cm', CONFIGMAPS), 'kube-root-ca.crt'].sort());
    // 24 objects in pages of at most 5: five requests, each after the first continuing the list.
    expect(calls.map((c) => c.items)).toEqual([5, 5, 5, 5, 4]);
    expect(calls.map((c) => c.continued)).toEqual([false, true, true, true, true]);
    // What a watch event would carry: timestamps as strings, not Dates; managedFields dropped.
    const first = list.items[0] as KubernetesObject;
    expect(typeof first.metadata?.creationTimestamp).toBe('string');
    expect(first.metadata?.managedFields).toBeUndefined();

    // A watch from the list's resourceVersion reports what changed after the list, not the list again.
    const rv = list.metadata?.resourceVersion;
    expect(rv).toMatch(/^\d+$/);
    const seen: string[] = [];
    const ended: unknown[] = [];
    const request = await new Watch(cluster.kubeConfig()).watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: rv },
      (phase: string, obj: KubernetesObject) => seen.push(`${phase} ${obj.metadata?.name}`),
      (err: unknown) => ended.push(err),
    );
    try {
      await admin.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: 'after-list' } },
      });
      const deadline = Date.now() + 30_000;
      while (!seen.includes('ADDED after-list') && Date.now() < deadline && ended.length === 0) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(seen).toEqual(['ADDED after-list']);
    } finally {
      request.abort();
      await admin.core.deleteNamespacedConfigMap({ name: 'after-list', namespace: ns });
    }
  }, 60_000);

  // core v1 Events have no watch cache: a continued list reads etcd at the first page's revision, and
  // once etcd has compacted past it the API server answers the continue token 410 Expired.
  const listEvents = (page: Parameters<PageFetcher>[0]) =>
    admin.core.listNamespacedEvent({ namespace: ns, ...page });
  /** Before every continued page: a write, then a compaction past the list's snapshot. */
  const expireBeforeContinuing =
    (times: number): PageFetcher =>
    async (page) => {
      if (page._continue && times-- > 0) {
        await createEvent(`churn-${Math.random().toString(36).slice(2, 8)}`);
        await compactEtcd(cluster.kubeconfig, cluster.bin);
      }
      return listEvents(page);
    };

  it('starts the list over when etcd compaction expired its continue token (410), and gets everything', async () => {
    const { calls, fetchPage } = recorded(expireBeforeContinuing(1));
    const list = await pagedList<KubernetesObject>(fetchPage, { pageSize: 5 });

    const listed = names(list.items).filter((n) => n.startsWith('ev-'));
    expect(listed).toEqual(expected('ev', EVENTS));
    expect(new Set(names(list.items)).size).toBe(list.items.length);
    // The first page, its continuation refused as expired, then a fresh list from the first page on.
    expect(calls.slice(0, 3).map((c) => `${c.continued ? 'continue' : 'first'} ${c.status}`)).toEqual([
      'first 200',
      'continue 410',
      'first 200',
    ]);
    expect(calls.slice(3).every((c) => c.continued && c.status === 200)).toBe(true);
  }, 120_000);

  it('gives up with a clear error when the token keeps expiring', async () => {
    const { calls, fetchPage } = recorded(expireBeforeContinuing(Infinity));
    await expect(pagedList<KubernetesObject>(fetchPage, { pageSize: 5, maxRestarts: 1 })).rejects.toThrow(
      /continue token expired 2 times in a row \(410\)/,
    );
    expect(calls.map((c) => `${c.continued ? 'continue' : 'first'} ${c.status}`)).toEqual([
      'first 200',
      'continue 410',
      'first 200',
      'continue 410',
    ]);
  }, 120_000);

  it('names the field when the page size is not a positive integer', async () => {
    await expect(pagedList(listEvents, { pageSize: 0 })).rejects.toThrow(
      /pageSize must be a positive integer/,
    );
  });
});
