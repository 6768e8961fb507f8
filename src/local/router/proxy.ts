/**
 * Aviary's weighted HTTP/1.1 reverse proxy: the local runtime's "mesh". Two upstreams (primary = stable,
 * canary), routes changeable at runtime and read back from the table requests are actually routed by.
 *
 * A version that dies must not cost clients requests. An upstream that refuses a connection is marked
 * down (passive health, probed back with a back-off) and its share goes to the other version until it
 * connects again. A request whose connection failed is retried once on the other version when that is
 * safe: it never reached the upstream (connection refused) and its body was not read yet, or it is
 * idempotent (GET, HEAD, OPTIONS, no body read) and the connection broke before an answer. The failed
 * attempt is still observed as the failed version's 502, so the analysis sees what the client did not.
 * The canary takes the primary's requests this way only while it has a share of the traffic.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'undici';
import { AviaryError } from '../../errors.js';
import { forward, hasBody, sendRouterError, type UpstreamFailure } from './forward.js';
import { mirror } from './mirror.js';
import { RouteTable } from './route-table.js';
import type { ProxyRoutes, RequestObserver, Upstream, Version } from './types.js';
import { UpstreamHealth, type HealthState, type UpstreamHealthOptions } from './upstream-health.js';
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
  /** Probing of an upstream marked down. */
  health?: UpstreamHealthOptions;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

const other = (version: Version): Version => (version === 'primary' ? 'canary' : 'primary');

interface Attempt {
  version: Version;
  setCookies: readonly string[];
  /** Whether a failed connection may still be retried on the other version. */
  retry: boolean;
  started: number;
  /** For the 502 text of a retry: what happened to the first attempt. */
  note?: string;
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
  private readonly health: UpstreamHealth;

  constructor(options: WeightedProxyOptions) {
    this.health = new UpstreamHealth(options.health);
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
    const before = this.table.routes.canaryWeight;
    this.table = new RouteTable(structuredClone(routes));
    // A canary given traffic again was (re)started and judged ready: what was known of it is stale.
    if (before === 0 && routes.canaryWeight > 0) this.health.reset('canary');
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
    this.health.reset(version);
  }

  /** Whether the router routes around a version whose connections were refused, and since when. */
  upstreamHealth(version: Version): HealthState {
    return this.health.state(version);
  }

  getUpstream(version: Version): Upstream {
    return { ...this.upstreams[version] };
  }

  async close(): Promise<void> {
    this.health.close();
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
      // The chosen version refuses connections: its share goes to the other one, if that can take it.
      const divert = this.health.isDown(version) && this.canTake(other(version));
      if (divert) version = other(version);
      this.send(req, res, {
        version,
        setCookies: divert ? [] : decision.setCookies,
        retry: true,
        started,
      });
    } catch (err) {
      // A bug here must cost one request, never the router.
      if (!res.headersSent)
        sendRouterError(res, 500, this.upstreams[version], `internal error: ${String(err)}`);
      else res.destroy();
    }
  }

  private send(req: IncomingMessage, res: ServerResponse, attempt: Attempt): void {
    const { version, started } = attempt;
    forward(req, res, {
      upstream: this.upstreams[version],
      pool: this.poolOf[version],
      timeoutMs: this.timeoutMs,
      setCookies: attempt.setCookies,
      done: (status) => {
        if (status !== 0) this.observer?.observe(version, status, performance.now() - started, false);
      },
      onUpstreamError: (failure) => this.failover(req, res, attempt, failure),
      ...(attempt.note ? { note: attempt.note } : {}),
    });
  }

  /** Marks a refusing upstream down; retries the request on the other version when that is safe. */
  private failover(
    req: IncomingMessage,
    res: ServerResponse,
    attempt: Attempt,
    failure: UpstreamFailure,
  ): boolean {
    const { version, started } = attempt;
    if (failure.connectFailed) this.health.markDown(version, this.upstreams[version], failure.code);
    const target = other(version);
    if (!attempt.retry || this.health.isDown(target) || !this.canTake(target)) return false;
    // A body already (partly) read cannot be sent again; a request that reached the upstream is sent
    // again only when repeating it is harmless.
    if (hasBody(req) && (req.readableDidRead || req.destroyed)) return false;
    if (!failure.connectFailed && !IDEMPOTENT.has(req.method ?? '')) return false;
    this.observer?.observe(version, 502, performance.now() - started, false);
    const upstream = this.upstreams[version];
    this.send(req, res, {
      version: target,
      setCookies: [],
      retry: false,
      started,
      note: `; retried there after upstream "${upstream.name}" (${upstream.host}:${upstream.port}) failed with ${failure.code}`,
    });
    return true;
  }

  /** The primary (the stable version) can always take requests; the canary only while it has a share. */
  private canTake(version: Version): boolean {
    return version === 'primary' || this.table.routes.canaryWeight > 0;
  }
}
