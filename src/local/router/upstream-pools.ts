/**
 * One undici Pool per upstream address. undici's client writes a request in one socket write and parses
 * responses without Node's ClientRequest/IncomingMessage streams and Agent bookkeeping, which is where
 * most of a forwarded exchange's time went with `http.request` (bench/router/profile.ts shows it).
 */
import { Pool } from 'undici';
import type { Upstream } from './types.js';

export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly connectTimeoutMs: number) {}

  /** The pool for an upstream's address, created on first use (addresses change at promotion). */
  get(upstream: Upstream): Pool {
    const key = `${upstream.host}:${upstream.port}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new Pool(`http://${key}`, {
        connectTimeout: this.connectTimeoutMs,
        // Loopback upstreams: keep idle sockets as long as Node servers keep them (their default is 5 s).
        keepAliveTimeout: 4_000,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Closes (gracefully: in-flight exchanges finish) the pools of addresses no version uses any more. */
  retain(inUse: readonly Upstream[]): void {
    const keep = new Set(inUse.map((u) => `${u.host}:${u.port}`));
    for (const [key, pool] of this.pools) {
      if (keep.has(key)) continue;
      this.pools.delete(key);
      void pool.close().catch(() => undefined);
    }
  }

  async destroy(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => undefined)));
  }
}
