/**
 * The controller's reads served from watches instead of the API server. An idle canary tick reads its
 * Canary, the target and primary Deployments, three Services and the mesh's routing objects; before
 * this cache each of those was a GET, every tick, for every canary (about 15 requests per canary per
 * interval).
 *
 * A cached read must never act on older data than a GET would in a way anyone could notice:
 * - Our own writes: the object a create/replace/patch returned is kept (`record`) and served while the
 *   watch has only an older resourceVersion of it (client-go's MutationCache does the same).
 * - A conflict (409) on a write marks the object (`suspect`): its next read goes to the API server.
 * - An object the watch does not hold (not created yet, deleted, or the watch lagging behind someone's
 *   create) is read from the API server, as is everything while a watch is down;
 *   except objects Aviary creates when they are missing (`createdWhenMissing`): for those the watch's
 *   "not there" is answered as the API server's 404, and the create that follows meets a 409 if the
 *   watch was only late (that conflict sends the retry's read to the API server).
 * Kinds are watched on their first read (`lazyKinds`), so a controller never lists what it never reads.
 * A read waits (up to FIRST_LIST_WAIT_MS) for its kind's first list instead of going to the API server:
 * otherwise a controller restarted on thousands of canaries sends its first reconciles' reads as GETs,
 * all at once, while its watches are still listing the same objects.
 */
import { ApiException, type KubernetesObject } from '@kubernetes/client-node';
import type { KubeClients } from './client.js';
import { superviseInformer, type SupervisedInformer } from './informer.js';
import { customObjectPages, type PageFetcher, type PageRequest } from './paged-list.js';

/** `group/version/plural` (core group: `v1/services`). */
export type CacheKind = string;

export const kindKey = (group: string, version: string, plural: string): CacheKind =>
  group ? `${group}/${version}/${plural}` : `${version}/${plural}`;

export const DEPLOYMENTS = kindKey('apps', 'v1', 'deployments');
export const SERVICES = kindKey('', 'v1', 'services');
export const HPAS = kindKey('autoscaling', 'v2', 'horizontalpodautoscalers');

/** Kinds outside the custom-objects API, listed (a page at a time) with their typed calls. */
const TYPED_LISTS: Record<
  CacheKind,
  (clients: KubeClients, namespace: string | undefined, page: PageRequest) => Promise<unknown>
> = {
  [SERVICES]: (c, namespace, page) =>
    namespace
      ? c.core.listNamespacedService({ namespace, ...page })
      : c.core.listServiceForAllNamespaces(page),
  [HPAS]: (c, namespace, page) =>
    namespace
      ? c.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace, ...page })
      : c.autoscaling.listHorizontalPodAutoscalerForAllNamespaces(page),
};

/** Own writes older than this are dropped: by then the watch has them (or is down, and reads go live). */
const OWN_WRITE_TTL_MS = 60_000;

/** How long a read waits for its kind's first list; past it (a list slower than that) it reads live. */
const FIRST_LIST_WAIT_MS = 30_000;

export interface ObjectCacheOptions {
  clients: KubeClients;
  /** Namespace watched; empty = all. */
  namespace?: string;
  /** Informers the controller runs anyway (Canaries, Deployments), by kind. */
  informers: Record<CacheKind, SupervisedInformer<KubernetesObject>>;
  /** Kinds watched from their first read on. */
  lazyKinds: readonly CacheKind[];
  /** Objects a reconcile creates when it finds them missing: the watch's word on their absence is enough. */
  createdWhenMissing?: (kind: CacheKind, name: string) => boolean;
  log?: (message: string) => void;
  now?: () => number;
}

export interface ObjectCache {
  /** Whether reads of `kind` go through the cache at all. */
  covers(kind: CacheKind): boolean;
  /** The object as fresh as a GET would return it; `live` is that GET. */
  read<T>(kind: CacheKind, namespace: string, name: string, live: () => Promise<T>): Promise<T>;
  /** An object the API server returned from our write. */
  record(kind: CacheKind, obj: unknown): void;
  /** A write of this object met a conflict: read it from the API server next time. */
  suspect(kind: CacheKind, namespace: string, name: string): void;
  stop(): Promise<void>;
}

/** What the API server answers for a missing object (kube/failure's isNotFound reads it the same way). */
function notFound(kind: CacheKind, namespace: string, name: string): ApiException<string> {
  const message = `${kind} ${namespace}/${name} not found (watch cache)`;
  const status = {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    reason: 'NotFound',
    code: 404,
    message,
  };
  return new ApiException(404, message, JSON.stringify(status), {});
}

const rvOf = (obj: KubernetesObject | undefined) => {
  const rv = obj?.metadata?.resourceVersion;
  return rv && /^\d+$/.test(rv) ? BigInt(rv) : undefined;
};

export function objectCache(options: ObjectCacheOptions): ObjectCache {
  const now = options.now ?? Date.now;
  const informers = new Map(Object.entries(options.informers));
  const lazy = new Set(options.lazyKinds);
  const ownWrites = new Map<string, { obj: KubernetesObject; at: number }>();
  const suspects = new Set<string>();
  /** Lazily watched kinds whose first list is still running. */
  const firstLists = new Map<CacheKind, Promise<void>>();
  let lastSweep = now();
  let stopped = false;

  const keyOf = (kind: CacheKind, namespace: string, name: string) => `${kind} ${namespace}/${name}`;

  /** The list a lazily watched kind starts from: a typed list for core and autoscaling kinds, else custom. */
  function listOf(group: string, version: string, plural: string): PageFetcher {
    const { clients, namespace } = options;
    const typed = TYPED_LISTS[kindKey(group, version, plural)];
    if (typed) return (page) => typed(clients, namespace, page);
    return customObjectPages(clients, { group, version, plural }, namespace);
  }

  function watch(kind: CacheKind): SupervisedInformer<KubernetesObject> {
    const parts = kind.split('/');
    const [group, version, plural] = (parts.length === 3 ? parts : ['', ...parts]) as [
      string,
      string,
      string,
    ];
    const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const path = options.namespace
      ? `${base}/namespaces/${options.namespace}/${plural}`
      : `${base}/${plural}`;
    const informer = superviseInformer<KubernetesObject>({
      clients: options.clients,
      path,
      listPage: listOf(group, version, plural),
      handlers: { onUpsert: () => {}, onDelete: () => {} },
      ...(options.log ? { log: options.log } : {}),
    });
    informers.set(kind, informer);
    // start() settles once the first list is done or has failed (the informer retries on its own).
    firstLists.set(
      kind,
      informer.start().finally(() => firstLists.delete(kind)),
    );
    return informer;
  }

  async function firstListOf(kind: CacheKind): Promise<void> {
    const first = firstLists.get(kind);
    if (!first) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, FIRST_LIST_WAIT_MS)));
    await Promise.race([first, waited]);
    clearTimeout(timer);
  }

  function sweep(): void {
    const at = now();
    if (at - lastSweep < OWN_WRITE_TTL_MS) return;
    lastSweep = at;
    for (const [key, entry] of ownWrites) if (at - entry.at >= OWN_WRITE_TTL_MS) ownWrites.delete(key);
  }

  const cache: ObjectCache = {
    covers: (kind) => informers.has(kind) || lazy.has(kind),

    async read<T>(kind: CacheKind, namespace: string, name: string, live: () => Promise<T>): Promise<T> {
      const key = keyOf(kind, namespace, name);
      const informer = informers.get(kind) ?? (lazy.has(kind) && !stopped ? watch(kind) : undefined);
      if (informer && !informer.healthy) await firstListOf(kind);
      // Not kept: by the next tick the watch has it.
      const goLive = () => {
        suspects.delete(key);
        return live();
      };
      if (!informer?.healthy || suspects.has(key)) return goLive();
      const watched = informer.get(name, namespace || undefined);
      if (!watched) {
        // Ours and not yet seen by the watch, or deleted since: only the API server can tell.
        if (ownWrites.has(key) || !options.createdWhenMissing?.(kind, name)) return goLive();
        throw notFound(kind, namespace, name);
      }
      const mine = ownWrites.get(key);
      let newest = watched;
      if (mine) {
        const ours = rvOf(mine.obj);
        const theirs = rvOf(watched);
        if (ours === undefined || theirs === undefined) return goLive();
        if (ours > theirs) newest = mine.obj;
        else ownWrites.delete(key);
      }
      // Callers may change what they get; the cache's copy must stay what the server holds.
      return structuredClone(newest) as T;
    },

    record(kind, obj) {
      if (!cache.covers(kind)) return;
      const o = obj as KubernetesObject | undefined;
      const name = o?.metadata?.name;
      if (!name || rvOf(o) === undefined) return;
      const plainObj = JSON.parse(JSON.stringify(o)) as KubernetesObject;
      delete plainObj.metadata?.managedFields;
      ownWrites.set(keyOf(kind, o.metadata?.namespace ?? '', name), { obj: plainObj, at: now() });
      sweep();
    },

    suspect(kind, namespace, name) {
      if (!cache.covers(kind)) return;
      const key = keyOf(kind, namespace, name);
      suspects.add(key);
      ownWrites.delete(key);
    },

    async stop() {
      stopped = true;
      const started = [...informers].filter(([kind]) => lazy.has(kind)).map(([, i]) => i.stop());
      await Promise.all(started);
    },
  };
  return cache;
}
