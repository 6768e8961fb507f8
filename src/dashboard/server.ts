/**
 * The dashboard's HTTP server:
 * - `GET /` the page, `GET /assets/uplot.{js,css}` the chart library;
 * - `GET /api/canaries` every canary (503 with the reason when they cannot be listed);
 * - `GET /api/canary?namespace=&name=` one canary with its kept history and events, and the actions
 *   the server accepts;
 * - `POST /api/intent` an action (promote / abort / pause / resume), only with --allow-actions;
 * - `GET /healthz`.
 * The canaries are collected every few seconds whether or not a page is open, so the charts have a
 * history when someone looks; it lives in memory, bounded (history.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActionError, DASHBOARD_ACTIONS, takeAction, type ActionOptions } from './actions.js';
import { assetAt } from './assets.js';
import { HistoryStore, type HistoryLimits } from './history.js';
import { PAGE_CSP, PAGE_HTML } from './page.js';
import { snapshotter, type SnapshotOptions } from './snapshot.js';
import { canaryKey, type CanarySource, type DashboardSnapshot } from './types.js';

export interface DashboardOptions extends SnapshotOptions {
  source: CanarySource;
  /** 0 picks a free port (default 8090). */
  port?: number;
  /** Default 127.0.0.1: reading needs no authentication, so it listens on loopback unless told. */
  host?: string;
  /** How often the canaries are collected for the history (default 5 s). */
  recordEveryMs?: number;
  history?: HistoryLimits;
  /** The action buttons and POST /api/intent; absent: the dashboard is read-only. */
  actions?: ActionOptions;
}

export interface Dashboard {
  /** `http://host:port/` */
  readonly url: string;
  /** The kept history (for tests and the memory benchmark). */
  readonly history: HistoryStore;
  close(): Promise<void>;
}

/** Events per canary in the list answer; the detail answer has the kept history's. */
const LIST_EVENTS = 5;

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const history = new HistoryStore(options.history);
  const snapshot = snapshotter(options.source, { ...options, eventLimit: options.eventLimit ?? 50 });
  const collect = async (): Promise<DashboardSnapshot> => {
    const body = await snapshot();
    history.record(body);
    return body;
  };
  const recorder = setInterval(() => void collect().catch(() => undefined), options.recordEveryMs ?? 5000);
  recorder.unref();
  void collect().catch(() => undefined);

  const server = createServer((req, res) => {
    void handle(req, res, { collect, history, actions: options.actions }).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `dashboard error: ${String(err)}\n`);
      else res.destroy();
    });
  });
  // A slow or stuck client cannot hold a connection open for ever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 8090, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    clearInterval(recorder);
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    history,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(recorder);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Handlers {
  collect(): Promise<DashboardSnapshot>;
  history: HistoryStore;
  actions: ActionOptions | undefined;
}

async function handle(req: IncomingMessage, res: ServerResponse, h: Handlers): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://dashboard');
  const path = url.pathname;
  if (path === '/api/intent') return intent(req, res, h.actions);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'text/plain', 'only GET here; actions are POST /api/intent\n');
  }
  if (path === '/' || path === '/index.html') {
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    return send(res, 200, 'text/html; charset=utf-8', PAGE_HTML);
  }
  const asset = assetAt(path);
  if (asset) return send(res, 200, asset.type, asset.body, 'public, max-age=3600');
  if (path === '/api/canaries') {
    const body = await h.collect();
    const canaries = body.canaries.map((c) => ({ ...c, events: c.events.slice(0, LIST_EVENTS) }));
    return json(res, body.error ? 503 : 200, { ...body, canaries });
  }
  if (path === '/api/canary') {
    const namespace = url.searchParams.get('namespace') ?? '';
    const name = url.searchParams.get('name') ?? '';
    const body = await h.collect();
    const base = { source: body.source, generatedAt: body.generatedAt };
    if (body.error) return json(res, 503, { ...base, error: body.error });
    const key = canaryKey({ namespace: namespace || undefined, name });
    const canary = body.canaries.find((c) => canaryKey(c) === key);
    if (!canary)
      return json(res, 404, { ...base, error: `no canary ${key.replace(/^\//, '')} in ${body.source}` });
    const kept = h.history.get(key);
    return json(res, 200, {
      ...base,
      canary,
      samples: kept?.samples ?? [],
      events: kept?.events ?? [],
      actions: h.actions ? DASHBOARD_ACTIONS : [],
    });
  }
  if (path === '/healthz') return send(res, 200, 'text/plain', 'ok\n');
  return send(res, 404, 'text/plain', `no page at ${path}: try / or /api/canaries\n`);
}

async function intent(
  req: IncomingMessage,
  res: ServerResponse,
  actions: ActionOptions | undefined,
): Promise<void> {
  if (!actions) {
    return json(res, 403, { error: 'actions are off: start the dashboard with --allow-actions and a token' });
  }
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return json(res, 405, { error: 'POST an action here' });
  }
  try {
    const taken = await takeAction(req, actions);
    return json(res, 202, {
      intent: taken,
      message: `${taken.kind} requested by ${taken.user}; the engine acts at its next tick`,
    });
  } catch (err) {
    if (err instanceof ActionError) return json(res, err.status, { error: err.message });
    return json(res, 502, { error: err instanceof Error ? err.message : String(err) });
  }
}

function json(res: ServerResponse, code: number, body: unknown): void {
  send(res, code, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`);
}

function send(
  res: ServerResponse,
  code: number,
  type: string,
  body: string | Buffer,
  cache = 'no-store',
): void {
  res.writeHead(code, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': cache,
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
