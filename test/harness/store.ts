import { clone, type KubeObject, type StoreEvent, type WatchEventType } from './types.js';

/**
 * The "etcd" of the harness: objects keyed by group/resource, one global revision counter (the
 * resourceVersion of every object is the revision of its last write, as with etcd3), and a bounded
 * log of past events so that watches can resume from a resourceVersion or get 410 Gone.
 *
 * Objects are stored in their storage version and always copied on the way in and out, so nobody
 * can mutate stored state behind the store's back.
 */
export class Store {
  private revision = 1;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly log: StoreEvent[] = [];
  /** Highest revision no longer in the log: a watch from below this is 410 Gone. */
  private compactedRevision = 0;
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  constructor(private readonly logCapacity = 10_000) {}

  get currentRevision(): number {
    return this.revision;
  }

  get(gr: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.objects.get(gr)?.get(key(namespace, name));
    return obj && clone(obj);
  }

  /** Sorted by namespace then name, as etcd's key order gives the real server. */
  list(gr: string, namespace?: string): KubeObject[] {
    const all = [...(this.objects.get(gr)?.entries() ?? [])]
      .filter(([, o]) => namespace === undefined || o.metadata.namespace === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return all.map(([, o]) => clone(o));
  }

  groupResources(): string[] {
    return [...this.objects.keys()];
  }

  /** Writes an object (create or update): assigns the next revision, logs and broadcasts the event. */
  put(gr: string, obj: KubeObject): KubeObject {
    const k = key(obj.metadata.namespace, obj.metadata.name ?? '');
    let bucket = this.objects.get(gr);
    if (!bucket) this.objects.set(gr, (bucket = new Map()));
    const previous = bucket.get(k);
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(++this.revision);
    bucket.set(k, stored);
    this.emit(previous ? 'MODIFIED' : 'ADDED', gr, stored, previous);
    return clone(stored);
  }

  /**
   * Removes an object; the DELETED event carries the revision of the deletion, like etcd3.
   * `finalState` is the object as last seen (an update that removed the last finalizer);
   * `propagationPolicy` travels with the event for the garbage collector.
   */
  remove(
    gr: string,
    namespace: string | undefined,
    name: string,
    opts: { finalState?: KubeObject; propagationPolicy?: string | undefined } = {},
  ): KubeObject | undefined {
    const bucket = this.objects.get(gr);
    const k = key(namespace, name);
    const previous = bucket?.get(k);
    if (!bucket || !previous) return undefined;
    bucket.delete(k);
    const gone = clone(opts.finalState ?? previous);
    gone.metadata.resourceVersion = String(++this.revision);
    this.emit('DELETED', gr, gone, previous, opts.propagationPolicy);
    return clone(gone);
  }

  /** Removes a whole group/resource (a deleted CRD), emitting DELETED for each object. */
  dropGroupResource(gr: string): void {
    for (const obj of this.list(gr)) this.remove(gr, obj.metadata.namespace, obj.metadata.name ?? '');
    this.objects.delete(gr);
  }

  /**
   * Events after `sinceRevision` for one group/resource, or `undefined` if some of them were compacted
   * away (the caller answers 410 Expired). Events returned share storage: callers must not mutate them.
   */
  eventsSince(gr: string, sinceRevision: number): StoreEvent[] | undefined {
    if (sinceRevision < this.compactedRevision) return undefined;
    return this.log.filter((e) => e.rv > sinceRevision && e.gr === gr);
  }

  /** Forgets the whole event log, so every watch from an older resourceVersion gets 410. */
  compact(): void {
    this.compactedRevision = this.revision;
    this.log.length = 0;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(
    type: WatchEventType,
    gr: string,
    object: KubeObject,
    previous?: KubeObject,
    propagationPolicy?: string,
  ): void {
    const event: StoreEvent = {
      rv: this.revision,
      type,
      gr,
      object,
      ...(previous ? { previous } : {}),
      ...(propagationPolicy ? { propagationPolicy } : {}),
    };
    this.log.push(event);
    if (this.log.length > this.logCapacity) {
      const dropped = this.log.splice(0, this.log.length - this.logCapacity);
      this.compactedRevision = dropped[dropped.length - 1]?.rv ?? this.compactedRevision;
    }
    for (const listener of [...this.listeners]) listener(event);
  }
}

function key(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}
