/**
 * A fault proxy in front of the real API server: a plain-HTTP server on loopback that forwards every
 * request to kube-apiserver (HTTPS, verified with the kubeconfig's CA, authenticated with its
 * credentials) and, on demand, makes the network misbehave the way a real one does:
 *
 * - `fail(match, {status})`: the next N matching requests are answered by the proxy with that status
 *   and a metav1.Status body (a 500, a 503, a 429 with Retry-After), never reaching the server;
 * - `delay(match, {ms})`: the next N matching requests wait before they are forwarded (a hung server);
 * - `hold(match)`: the next matching request waits until the test releases it;
 * - `cutConnections({abrupt})`: every open connection is cut — abruptly (TCP reset, mid-stream) or
 *   cleanly (each open watch ends with a well-formed end of stream, as when the server times it out).
 *
 * Everything else is the real server's answer. A client uses the proxy through `kubeconfig` (a file)
 * or `kubeConfig()`; `requests` records what went through, with the status and, for watches, the
 * codes of the ERROR events the server streamed (e.g. 410 Expired).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** What a fault applies to; every field given must match. */
export interface Match {
  verb?: Verb | Verb[];
  /** `configmaps`, or with its group `canaries.aviary.dev` (the core group has none). */
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface ProxiedRequest {
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  verb?: Verb;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** The status the client got: the server's, or the injected fault's; 0 while pending or when cut. */
  status: number;
  /** True when the proxy answered (fail) instead of the server. */
  injected: boolean;
  /** For watches: the `code` of every ERROR event the server sent (410 for an expired resourceVersion). */
  watchErrors: number[];
}

export interface FailOptions {
  status: number;
  reason?: string;
  message?: string;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Seconds, sent as the Retry-After header (with 429). */
  retryAfterSeconds?: number;
}

export interface Hold {
  /** Resolves when a matching request arrived and is being held. */
  readonly arrived: Promise<ProxiedRequest>;
  /** Forwards the held request (or lets the next matching one through at once). */
  release(): void;
}

export interface FaultProxy {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** A kubeconfig file whose server is the proxy (credentials are added by the proxy). */
  readonly kubeconfig: string;
  kubeConfig(): KubeConfig;
  readonly requests: readonly ProxiedRequest[];
  /** Watches currently streaming through the proxy. */
  readonly openWatches: number;
  fail(match: Match, options: FailOptions): void;
  delay(match: Match, options: { ms: number; times?: number }): void;
  hold(match: Match): Hold;
  /**
   * Cuts open connections. Abrupt: every client socket is destroyed (the client sees a reset, a watch
   * breaks mid-stream). Clean: every open watch ends with a proper end of stream and its upstream
   * request is closed. Returns how many watches were open.
   */
  cutConnections(options?: { abrupt?: boolean }): number;
  /** Drops every pending fault. */
  clearFaults(): void;
  close(): Promise<void>;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The RBAC view of a request path: /api/v1/namespaces/ns/configmaps/name, /apis/g/v/..., with `watch`. */
export function classify(
  method: string,
  url: string,
): Pick<ProxiedRequest, 'verb' | 'group' | 'resource' | 'subresource' | 'namespace' | 'name'> {
  const { pathname, searchParams } = new URL(url, 'http://proxy');
  const parts = pathname.split('/').filter(Boolean);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1] ?? '';
    rest = parts.slice(3);
  } else {
    return {};
  }
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  if (!resource) return {};
  const watch = watchPath || ['true', '1'].includes(searchParams.get('watch') ?? '');
  const verbs: Record<string, Verb> = {
    POST: 'create',
    PUT: 'update',
    PATCH: 'patch',
    DELETE: name ? 'delete' : 'deletecollection',
  };
  const verb: Verb = method === 'GET' ? (watch ? 'watch' : name ? 'get' : 'list') : (verbs[method] ?? 'get');
  return {
    verb,
    group,
    resource,
    ...(subresource ? { subresource } : {}),
    ...(namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
  };
}

function matches(match: Match, request: ProxiedRequest): boolean {
  if (match.verb !== undefined) {
    const verbs = Array.isArray(match.verb) ? match.verb : [match.verb];
    if (!request.verb || !verbs.includes(request.verb)) return false;
  }
  if (match.resource !== undefined) {
    const qualified = request.group ? `${request.resource}.${request.group}` : request.resource;
    if (match.resource !== request.resource && match.resource !== qualified) return false;
  }
  if (match.subresource !== undefined && match.subresource !== request.subresource) return false;
  if (match.namespace !== undefined && match.namespace !== request.namespace) return false;
  if (match.name !== undefined && match.name !== request.name) return false;
  return true;
}

type Fault =
  | { kind: 'fail'; match: Match; left: number; options: FailOptions }
  | { kind: 'delay'; match: Match; left: number; ms: number }
  | {
      kind: 'hold';
      match: Match;
      left: number;
      gate: Promise<void>;
      arrived: (request: ProxiedRequest) => void;
    };

/** Hop-by-hop headers (RFC 9110 7.6.1) are never forwarded; the proxy sets its own credentials. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
  'authorization',
]);

function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(key.toLowerCase())) out[key] = value;
  }
  return out;
}

/** Starts a proxy to the server of `kubeconfig` (a file), with that kubeconfig's CA and credentials. */
export async function startFaultProxy(kubeconfig: string): Promise<FaultProxy> {
  const upstreamConfig = new KubeConfig();
  upstreamConfig.loadFromFile(kubeconfig);
  const cluster = upstreamConfig.getCurrentCluster();
  if (!cluster) throw new Error(`${kubeconfig} has no current cluster`);
  const upstream = new URL(cluster.server);
  const tls: https.RequestOptions = {};
  await upstreamConfig.applyToHTTPSOptions(tls);
  const credentials = forwardableCredentials(tls.headers);
  const agent = new https.Agent({
    keepAlive: true,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    ...(tls.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: tls.rejectUnauthorized }),
  });

  const requests: ProxiedRequest[] = [];
  let faults: Fault[] = [];
  const sockets = new Set<Socket>();
  /** Open watches: how to end each one cleanly. */
  const watches = new Set<() => void>();

  const takeFault = (request: ProxiedRequest): Fault | undefined => {
    const fault = faults.find((f) => f.left > 0 && matches(f.match, request));
    if (!fault) return undefined;
    fault.left--;
    faults = faults.filter((f) => f.left > 0);
    return fault;
  };

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const record: ProxiedRequest = {
      method,
      url,
      ...classify(method, url),
      status: 0,
      injected: false,
      watchErrors: [],
    };
    requests.push(record);
    let clientGone = false;
    res.on('close', () => {
      clientGone = true;
    });

    const fault = takeFault(record);
    if (fault?.kind === 'fail') {
      const { status, retryAfterSeconds } = fault.options;
      const reason = fault.options.reason ?? REASONS[status] ?? 'Unknown';
      const body = JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: fault.options.message ?? `injected by the fault proxy: ${status} ${reason}`,
        reason,
        code: status,
      });
      record.status = status;
      record.injected = true;
      req.resume();
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...(retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }),
      });
      res.end(body);
      return;
    }

    const forward = () => {
      if (clientGone) return;
      const upstreamReq = https.request({
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method,
        path: url,
        agent,
        headers: { ...forwardable(req.headers), ...credentials, host: upstream.host },
      });
      /** Set once a clean cut ended the response: the upstream's teardown errors are then expected. */
      let endedByCut = false;
      upstreamReq.on('response', (upstreamRes) => {
        record.status = upstreamRes.statusCode ?? 0;
        res.writeHead(upstreamRes.statusCode ?? 502, forwardable(upstreamRes.headers));
        // A watch's headers come long before its first event: pass them on now, as the server sent them.
        res.flushHeaders();
        if (record.verb === 'watch') {
          const endCleanly = () => {
            endedByCut = true;
            upstreamRes.unpipe(res);
            res.end(() => upstreamReq.destroy());
          };
          watches.add(endCleanly);
          res.on('close', () => watches.delete(endCleanly));
          let partial = '';
          upstreamRes.on('data', (chunk: Buffer) => {
            const lines = (partial + chunk.toString('utf8')).split('\n');
            partial = lines.pop() ?? '';
            for (const line of lines) {
              if (!line.includes('"ERROR"')) continue;
              try {
                const event = JSON.parse(line) as { type?: string; object?: { code?: number } };
                if (event.type === 'ERROR') record.watchErrors.push(event.object?.code ?? 0);
              } catch {
                // not a JSON line: not ours to judge
              }
            }
          });
        }
        upstreamRes.pipe(res);
        upstreamRes.on('error', () => {
          if (!endedByCut) res.destroy();
        });
      });
      upstreamReq.on('error', (err) => {
        if (endedByCut) return;
        if (res.headersSent || clientGone) {
          res.destroy();
          return;
        }
        const body = JSON.stringify({ error: `fault proxy: upstream ${upstream.host}: ${err.message}` });
        record.status = 502;
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(body);
      });
      // The client gave up (its own timeout, or the connection was cut): so does the upstream call.
      res.on('close', () => {
        if (!res.writableFinished) upstreamReq.destroy();
      });
      req.pipe(upstreamReq);
    };

    if (fault?.kind === 'delay') {
      const timer = setTimeout(forward, fault.ms);
      res.on('close', () => clearTimeout(timer));
    } else if (fault?.kind === 'hold') {
      fault.arrived(record);
      void fault.gate.then(forward);
    } else {
      forward();
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fault proxy: no port');
  const url = `http://127.0.0.1:${address.port}`;

  const dir = mkdtempSync(path.join(os.tmpdir(), 'aviary-fault-proxy-'));
  const file = path.join(dir, 'kubeconfig');
  const context = upstreamConfig.getContextObject(upstreamConfig.getCurrentContext());
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      // Plain HTTP on loopback: client-node refuses http:// unless TLS verification is marked skipped.
      clusters: [{ name: 'fault-proxy', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'via-fault-proxy', user: {} }],
      contexts: [
        {
          name: 'fault-proxy',
          context: {
            cluster: 'fault-proxy',
            user: 'via-fault-proxy',
            ...(context?.namespace ? { namespace: context.namespace } : {}),
          },
        },
      ],
      'current-context': 'fault-proxy',
    }),
    { mode: 0o600 },
  );

  return {
    url,
    kubeconfig: file,
    kubeConfig() {
      const config = new KubeConfig();
      config.loadFromFile(file);
      return config;
    },
    requests,
    get openWatches() {
      return watches.size;
    },
    fail(match, options) {
      faults.push({ kind: 'fail', match, left: options.times ?? 1, options });
    },
    delay(match, { ms, times }) {
      faults.push({ kind: 'delay', match, left: times ?? 1, ms });
    },
    hold(match) {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let arrived!: (request: ProxiedRequest) => void;
      const arrival = new Promise<ProxiedRequest>((resolve) => (arrived = resolve));
      faults.push({ kind: 'hold', match, left: 1, gate, arrived });
      return { arrived: arrival, release };
    },
    cutConnections({ abrupt = false } = {}) {
      const open = watches.size;
      if (abrupt) {
        for (const socket of sockets) socket.destroy();
      } else {
        for (const end of [...watches]) end();
      }
      return open;
    },
    clearFaults() {
      faults = [];
    },
    async close() {
      faults = [];
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The Authorization header client-node derived from the kubeconfig's user (token, token file, exec...). */
function forwardableCredentials(headers: https.RequestOptions['headers']): http.OutgoingHttpHeaders {
  if (!headers || Array.isArray(headers)) return {};
  const out: http.OutgoingHttpHeaders = {};
  for (const [key, value] of Object.entries(headers as http.OutgoingHttpHeaders)) {
    if (key.toLowerCase() === 'authorization' && value !== undefined) out.authorization = String(value);
  }
  return out;
}
