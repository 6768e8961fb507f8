/**
 * A supervised informer: client-node's ListWatch stops on any error other than a watch timeout or 410,
 * and its stop() surfaces as an error too. This wrapper restarts it with jittered, bounded backoff,
 * re-lists periodically (resync) so a missed event is repaired, and tells whether it is healthy: listed
 * and watching.
 */
import { makeInformer, type KubernetesObject } from '@kubernetes/client-node';
import type { KubeClients } from './client.js';
import { pagedList, type PageFetcher } from './paged-list.js';

export interface InformerHandlers<T> {
  onUpsert(obj: T): void;
  onDelete(obj: T): void;
}

export interface SupervisedInformer<T> {
  start(): Promise<void>;
  stop(): Promise<void>;
  list(): readonly T[];
  get(name: string, namespace?: string): T | undefined;
  readonly healthy: boolean;
}

export interface InformerOptions<T> {
  clients: KubeClients;
  /** API path of the collection, e.g. /apis/aviary.dev/v1beta1/namespaces/test/canaries */
  path: string;
  /** One page of the collection (the list is fetched page by page: ./paged-list.ts). */
  listPage: PageFetcher;
  /** Items per list request (default 500). */
  pageSize?: number;
  handlers: InformerHandlers<T>;
  resyncMs?: number;
  maxBackoffMs?: number;
  log?: (message: string) => void;
}

/**
 * managedFields are often the larger part of an object and nothing here reads them: dropped from what
 * the cache holds (the event's object is the cached one). A write built from a cached object leaves
 * them out, and the API server then keeps the stored ones.
 */
function slim<T extends KubernetesObject>(obj: T): T {
  delete obj.metadata?.managedFields;
  return obj;
}

export function superviseInformer<T extends KubernetesObject>(
  options: InformerOptions<T>,
): SupervisedInformer<T> {
  const informer = makeInformer<T>(options.clients.config, options.path, () =>
    pagedList<T>(options.listPage, {
      each: slim,
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    }),
  );
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  let stopping = false;
  let healthy = false;
  let failures = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let resyncTimer: NodeJS.Timeout | undefined;

  informer.on('add', (obj) => options.handlers.onUpsert(slim(obj)));
  informer.on('update', (obj) => options.handlers.onUpsert(slim(obj)));
  informer.on('delete', (obj) => options.handlers.onDelete(obj));
  // client-node emits 'connect' before its list, not after: the cache is only trusted once the first
  // list has filled it (start() below). Later connects (a watch re-opened) keep the objects it holds.
  let listed = false;
  informer.on('connect', () => {
    if (listed) healthy = true;
    failures = 0;
  });
  informer.on('error', (err: unknown) => {
    healthy = false;
    if (stopping) return; // stop() reports itself as an AbortError
    failures++;
    const delay = Math.min(maxBackoff, 500 * 2 ** Math.min(failures, 10)) * (0.8 + Math.random() * 0.4);
    options.log?.(`watch ${options.path} failed (${String(err)}); restarting in ${Math.round(delay)} ms`);
    clearTimeout(restartTimer);
    restartTimer = setTimeout(() => void start(), delay);
  });

  const resync = () => {
    for (const obj of informer.list()) options.handlers.onUpsert(obj);
  };

  async function start(): Promise<void> {
    if (stopping) return;
    try {
      await informer.start();
      listed = true;
      healthy = true;
    } catch (err) {
      // the error callback schedules the restart; a failed initial list lands here too
      healthy = false;
      options.log?.(`starting informer ${options.path}: ${String(err)}`);
      failures++;
      clearTimeout(restartTimer);
      restartTimer = setTimeout(() => void start(), Math.min(maxBackoff, 500 * 2 ** Math.min(failures, 10)));
    }
  }

  return {
    async start() {
      stopping = false;
      await start();
      const resyncMs = options.resyncMs ?? 30_000;
      resyncTimer = setInterval(resync, resyncMs);
    },
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      clearInterval(resyncTimer);
      await informer.stop();
    },
    list: () => informer.list(),
    get: (name, namespace) => informer.get(name, namespace),
    get healthy() {
      return healthy;
    },
  };
}
