import type { ServerResponse } from 'node:http';
import { errors } from './errors.js';
import type { RestStore, Target } from './rest-store.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { Store } from './store.js';
import { apiVersionOf, groupResource, type KubeObject, type StoreEvent } from './types.js';

export interface WatchParams {
  resourceVersion?: string | null;
  labelSelector?: string | null;
  fieldSelector?: string | null;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
}

interface ActiveWatch {
  res: ServerResponse;
  close: () => void;
}

/**
 * Watch streams: NDJSON over a chunked response whose headers are flushed at once (client-node's
 * informer awaits them before start() resolves). Replays history after the requested
 * resourceVersion, answers an ERROR event with code 410 when that history was compacted, and
 * translates selector transitions into ADDED/DELETED like the watch cache does.
 */
export class WatchHub {
  private readonly active = new Set<ActiveWatch>();

  constructor(
    private readonly store: Store,
    private readonly rest: RestStore,
    private readonly bookmarkIntervalMs: number,
  ) {}

  get count(): number {
    return this.active.size;
  }

  serve(res: ServerResponse, t: Target, params: WatchParams): void {
    const labels = parseLabelSelector(params.labelSelector);
    const fields = parseFieldSelector(params.fieldSelector);
    const gr = groupResource(t.rt);
    const matches = (o: KubeObject | undefined): boolean =>
      o !== undefined &&
      (t.namespace === undefined || o.metadata.namespace === t.namespace) &&
      labels(o.metadata.labels) &&
      fields(o);

    const rv = params.resourceVersion ?? '';
    const fromScratch = rv === '' || rv === '0';
    const since = fromScratch ? this.store.currentRevision : Number(rv);
    if (!Number.isInteger(since)) throw errors.badRequest(`invalid resource version: ${rv}`);
    const history = fromScratch ? [] : this.store.eventsSince(gr, since);

    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    const send = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
    const bookmark = (annotations?: Record<string, string>) =>
      send('BOOKMARK', {
        kind: t.rt.kind,
        apiVersion: apiVersionOf(t.rt.group, t.version),
        metadata: {
          resourceVersion: String(this.store.currentRevision),
          ...(annotations ? { annotations } : {}),
        },
      });

    if (history === undefined) {
      send(
        'ERROR',
        errors.expired(`too old resource version: ${since} (${this.store.currentRevision})`).toStatus(),
      );
      res.end();
      return;
    }

    const deliver = (event: StoreEvent) => {
      if (event.gr !== gr) return;
      const now = matches(event.object);
      const before = event.type === 'MODIFIED' && matches(event.previous);
      let type: string | undefined;
      if (event.type === 'ADDED') type = now ? 'ADDED' : undefined;
      else if (event.type === 'DELETED') type = now || matches(event.previous) ? 'DELETED' : undefined;
      else if (now) type = before ? 'MODIFIED' : 'ADDED';
      else if (before) type = 'DELETED';
      if (type) send(type, this.rest.present(t.rt, event.object, t.version));
    };

    if (fromScratch) {
      for (const obj of this.store.list(gr, t.namespace).filter(matches))
        send('ADDED', this.rest.present(t.rt, obj, t.version));
      if (params.sendInitialEvents && params.allowWatchBookmarks)
        bookmark({ 'k8s.io/initial-events-end': 'true' });
    } else history.forEach(deliver);

    const unsubscribe = this.store.subscribe(deliver);
    const timers: NodeJS.Timeout[] = [];
    if (params.allowWatchBookmarks) timers.push(setInterval(() => bookmark(), this.bookmarkIntervalMs));
    if (params.timeoutSeconds && params.timeoutSeconds > 0)
      timers.push(setTimeout(() => res.end(), params.timeoutSeconds * 1000));
    const watch: ActiveWatch = {
      res,
      close: () => {
        unsubscribe();
        timers.forEach((timer) => clearTimeout(timer));
        this.active.delete(watch);
      },
    };
    this.active.add(watch);
    res.on('close', watch.close);
  }

  /**
   * Ends every open watch. By default the server closes the stream cleanly (what a real server does on
   * its watch timeout): well-behaved clients re-watch from their last resourceVersion. `abrupt`
   * destroys the sockets instead, as a crashed apiserver or a dropped connection would.
   */
  dropAll(abrupt = false): number {
    const all = [...this.active];
    for (const w of all) {
      w.close();
      if (abrupt) w.res.socket?.destroy();
      else w.res.end();
    }
    return all.length;
  }
}
