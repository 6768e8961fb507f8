/**
 * Aviary's weighted HTTP/1.1 reverse proxy: the local runtime's "mesh". Two upstreams (primary = stable,
 * canary), routes changeable at runtime and read back from the table requests are actually routed by.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'undici';
import { AviaryError } from '../../errors.js';
import { forward, sendRouterError } from './forward.js';
import { mirror } from './mirror.js';
import { RouteTable } from './route-table.js';
import type { ProxyRoutes, RequestObserver, Upstream, Version } from './types.js';
import { UpstreamPools } from './upstream-pools.js';

export interface WeightedProxyOptions {
  primary: Upstream;
  canary: Upstream;
  /** Longest upstream silence before a 504 (Istio route `timeout`). Default 60 s. */
  upstreamTimeoutMs?: number;
  /** How long a mirror copy may take before it is abandoned. Default 10 s. */
  mirrorTimeoutMs?: number;
  /** Mirror copies in flight beyond this are dropped rather than queued. Default 256. */
  maxMirrorsInFlight?: number;
  observer?: RequestObserver;
}

export const INITIAL_ROUTES: ProxyRoutes = Object.freeze({
  primaryWeight: 100,
  canaryWeight: 0,
  mirrored: false,
});

export class WeightedProxy {
  private table = new RouteTable(INITIAL_ROUTES);
  private readonly upstreams: Record<Version, Upstream>;
  private readonly pools: UpstreamPools;
  /** Each version's pool, looked up when its address changes rather than on every request. */
  private readonly poolOf: Record<Version, Pool>;
  private readonly mirrorAgent = new http.Agent({ keepAlive: true, maxFreeSockets: 32 });
  private readonly server: http.Server;
  private mirrorsInFlight = 0;
  private readonly timeoutMs: number;
  private readonly mirrorTimeoutMs: number;
  private readonly maxMirrors: number;
  private readonly observer: RequestObserver | undefined;

  constructor(options: WeightedProxyOptions) {
    this.upstreams = { primary: { ...options.primary }, canary: { ...options.canary } };
    this.timeoutMs = options.upstreamTimeoutMs ?? 60_000;
    this.pools = new UpstreamPools(this.timeoutMs);
    this.poolOf = {
      primary: this.pools.get(this.upstreams.primary),
      canary: this.pools.get(this.upstreams.canary),
    };
    this.mirrorTimeoutMs = options.mirrorTimeoutMs ?? 10_000;
    this.maxMirrors = options.maxMirrorsInFlight ?? 256;
    this.observer = options.observer;
    this.server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => this.handle(req, res));
    // A malformed request gets a 400 and its connection closed; the router itself carries on.
    this.server.on('clientError', (_err, socket) => {
      if (socket.writable)
        socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      socket.destroy();
    });
  }

  /** Starts listening (port 0 picks a free port) and resolves with the bound port. */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    if (this.server.listening) return Promise.resolve(this.port!);
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        reject(
          new AviaryError(
            err.code === 'EADDRINUSE' ? 'CONFLICT' : 'UNAVAILABLE',
            `the router cannot listen on ${host}:${port} (${err.code ?? err.message}); ` +
              (err.code === 'EADDRINUSE'
                ? 'another process holds that port: stop it or change spec.local.listenPort'
                : ''),
            { cause: err },
          ),
        );
      };
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve(this.port!);
      });
    });
  }

  get listening(): boolean {
    return this.server.listening;
  }

  get port(): number | undefined {
    const address = this.server.address() as AddressInfo | null;
    return address?.port;
  }

  /** Applies new routes atomically; throws INVALID_SPEC (and keeps the old routes) when they are invalid. */
  setRoutes(routes: ProxyRoutes): void {
    this.table = new RouteTable(structuredClone(routes));
  }

  /** The routes requests are being routed by right now. */
  getRoutes(): ProxyRoutes {
    return structuredClone(this.table.routes);
  }

  /** Points a version at another address (used while the primary process is replaced at promotion). */
  setUpstream(version: Version, upstream: Upstream): void {
    this.upstreams[version] = { ...upstream };
    this.poolOf[version] = this.pools.get(upstream);
    this.pools.retain([this.upstreams.primary, this.upstreams.canary]);
  }

  getUpstream(version: Version): Upstream {
    return { ...this.upstreams[version] };
  }

  async close(): Promise<void> {
    if (this.server.listening) {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeAllConnections();
      await closed;
    }
    this.mirrorAgent.destroy();
    await this.pools.destroy();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    let version: Version = 'primary';
    try {
      const decision = this.table.decide(req);
      version = decision.version;
      if (decision.mirror) {
        mirror(req, {
          upstream: this.upstreams.canary,
          agent: this.mirrorAgent,
          timeoutMs: this.mirrorTimeoutMs,
          observer: this.observer,
          acquire: () => this.mirrorsInFlight < this.maxMirrors && ++this.mirrorsInFlight > 0,
          release: () => void this.mirrorsInFlight--,
        });
      }
      const observer = this.observer;
      forward(req, res, {
        upstream: this.upstreams[version],
        pool: this.poolOf[version],
        timeoutMs: this.timeoutMs,
        setCookies: decision.setCookies,
        done: (status) => {
          if (status !== 0) observer?.observe(decision.version, status, performance.now() - started, false);
        },
      });
    } catch (err) {
      // A bug here must cost one request, never the router.
      if (!res.headersSent)
        sendRouterError(res, 500, this.upstreams[version], `internal error: ${String(err)}`);
      else res.destroy();
    }
  }
}
