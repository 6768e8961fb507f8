/**
 * A whole collection listed page by page (`limit` + `continue`), each page turned into plain objects
 * before the next is fetched. A list of 15,000 Services fetched in one piece came back as typed class
 * instances and was then copied to plain JSON whole: at a controller's restart the collection existed
 * in three or four forms at once. Here at most one page exists in more than its final form.
 *
 * The pages of one continued list are one consistent snapshot, whose resourceVersion (on every page)
 * a watch resumes from. A continue token the API server no longer honours (410 Expired, e.g. after
 * etcd compacted past the snapshot) restarts the list from its first page, a bounded number of times,
 * as client-go's pager falls back to a fresh list.
 */
import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import type { KubeClients } from './client.js';
import { kubeFailure } from './failure.js';

/** The paging parameters of client-node's list calls (typed and custom objects alike). */
export interface PageRequest {
  limit: number;
  _continue?: string;
}

/** One list call with the page's parameters; typed (`metadata._continue`) or plain (`continue`). */
export type PageFetcher = (page: PageRequest) => Promise<unknown>;

/** The pages of a custom-objects collection, in `namespace` or (empty) all namespaces. */
export function customObjectPages(
  clients: KubeClients,
  kind: { group: string; version: string; plural: string },
  namespace: string | undefined,
): PageFetcher {
  const { group, version, plural } = kind;
  return (page) =>
    namespace
      ? clients.custom.listNamespacedCustomObject({ group, version, plural, namespace, ...page })
      : clients.custom.listClusterCustomObject({ group, version, plural, ...page });
}

export interface PagedListOptions<T> {
  /** Items per request (the API server may send fewer). */
  pageSize?: number;
  /** Fresh lists started after a 410 on a continued page before giving up. */
  maxRestarts?: number;
  /** Applied to each plain item as its page arrives (e.g. dropping fields nothing reads). */
  each?: (item: T) => T;
}

export const DEFAULT_PAGE_SIZE = 500;
const DEFAULT_MAX_RESTARTS = 3;

interface ListPage {
  items?: unknown[];
  metadata?: { resourceVersion?: string; continue?: string; _continue?: string };
}

export async function pagedList<T extends KubernetesObject>(
  fetchPage: PageFetcher,
  options: PagedListOptions<T> = {},
): Promise<KubernetesListObject<T>> {
  const limit = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`pageSize must be a positive integer, got ${limit}`);
  const maxRestarts = options.maxRestarts ?? DEFAULT_MAX_RESTARTS;
  for (let restarts = 0; ; restarts++) {
    try {
      return await listOnce(fetchPage, limit, options.each);
    } catch (err) {
      if (!(err instanceof ContinueExpired)) throw err;
      if (restarts >= maxRestarts) {
        throw new Error(
          `listing page by page: the continue token expired ${restarts + 1} times in a row (410); ` +
            `the collection changes faster than ${limit}-item pages are fetched`,
          { cause: err },
        );
      }
    }
  }
}

/** A 410 on a continued page: the snapshot is gone, only a fresh list is consistent. */
class ContinueExpired extends Error {}

async function listOnce<T extends KubernetesObject>(
  fetchPage: PageFetcher,
  limit: number,
  each: ((item: T) => T) | undefined,
): Promise<KubernetesListObject<T>> {
  const items: T[] = [];
  let resourceVersion: string | undefined;
  let token: string | undefined;
  do {
    let page: ListPage;
    try {
      page = (await fetchPage(token ? { limit, _continue: token } : { limit })) as ListPage;
    } catch (err) {
      if (token && kubeFailure(err)?.code === 410)
        throw new ContinueExpired('continue expired', { cause: err });
      throw err;
    }
    // Class instances with Dates become what a watch event carries: plain JSON.
    const plain = JSON.parse(JSON.stringify(page.items ?? [])) as T[];
    for (const item of plain) items.push(each ? each(item) : item);
    resourceVersion ??= page.metadata?.resourceVersion;
    const next = page.metadata?._continue ?? page.metadata?.continue ?? undefined;
    // A server handing back the token it was given would page forever.
    if (next && next === token)
      throw new Error(`listing page by page: the server repeated continue token ${next}`);
    token = next || undefined;
  } while (token);
  return { apiVersion: 'v1', kind: 'List', metadata: resourceVersion ? { resourceVersion } : {}, items };
}
