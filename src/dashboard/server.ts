/**
 * The dashboard's HTTP server: `GET /` the page, `GET /api/canaries` the snapshot as JSON (503 with the
 * reason when the canaries cannot be listed), `GET /healthz`. Read-only: nothing here writes anywhere.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PAGE_CSP, PAGE_HTML } from './page.js';
import { snapshotter, type SnapshotOptions } from './snapshot.js';
import type { CanarySource } from './types.js';

export interface DashboardOptions extends SnapshotOptions {
  source: CanarySource;
  /** 0 picks a free port (default 8090). */
  port?: number;
  /** Default 127.0.0.1: the dashboard has no authentication, so it listens on loopback unless told. */
  host?: string;
}

export interface Dashboard {
  /** `http://host:port/` */
  readonly url: string;
  close(): Promise<void>;
}

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const snapshot = snapshotter(options.source, options);
  const server = createServer((req, res) => {
    void handle(req, res, snapshot).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `dashboard error: ${String(err)}\n`);
      else res.destroy();
    });
  });
  // A slow or stuck client cannot hold a connection open for ever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8090, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  snapshot: ReturnType<typeof snapshotter>,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://dashboard').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'text/plain', 'the dashboard is read-only\n');
  }
  if (path === '/' || path === '/index.html') {
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    return send(res, 200, 'text/html; charset=utf-8', PAGE_HTML);
  }
  if (path === '/api/canaries') {
    const body = await snapshot();
    return send(res, body.error ? 503 : 200, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`);
  }
  if (path === '/healthz') return send(res, 200, 'text/plain', 'ok\n');
  return send(res, 404, 'text/plain', `no page at ${path}: try / or /api/canaries\n`);
}

function send(res: ServerResponse, code: number, type: string, body: string): void {
  res.writeHead(code, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
