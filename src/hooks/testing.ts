/**
 * Test helpers shared by the hooks and notify suites (not used at runtime): a local HTTP receiver that
 * records requests and answers from a script, an HTTP proxy that records what passes through it, and a
 * self-signed TLS receiver. All listen on ephemeral ports of 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

export interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: unknown;
}

/**
 * Servers a test file starts, closed after each of its tests: call once at the top of the file, then
 * `receiver(...)` starts a tracked receiver and `track(x)` adds anything else that closes.
 */
export function closedAfterEach() {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  const track = <T extends { close(): Promise<void> }>(closable: T): T => {
    open.push(closable);
    return closable;
  };
  const receiver = async (...args: Parameters<typeof startReceiver>): Promise<Receiver> =>
    track(await startReceiver(...args));
  return { track, receiver };
}

/** What the receiver does with the n-th request (0-based). */
export type Reply =
  { status: number; body?: string; headers?: Record<string, string> } | { hang: true } | { destroy: true };

export interface Receiver {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function handler(requests: Recorded[], script: (n: number) => Reply) {
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const n = requests.length;
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        json: parse(body),
      });
      const reply = script(n);
      if ('hang' in reply) return;
      if ('destroy' in reply) {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
      res.end(reply.body ?? '');
    });
  };
}

function listen(server: http.Server | https.Server, scheme: string, requests: Recorded[]): Promise<Receiver> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `${scheme}://127.0.0.1:${port}`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

export function startReceiver(script: Reply | ((n: number) => Reply) = { status: 200 }): Promise<Receiver> {
  const requests: Recorded[] = [];
  const fn = typeof script === 'function' ? script : () => script;
  return listen(http.createServer(handler(requests, fn)), 'http', requests);
}

/** An HTTPS receiver with a throw-away self-signed certificate (made with openssl), or undefined without openssl. */
export function startTlsReceiver(script: Reply = { status: 200 }): Promise<Receiver> | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'aviary-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    const options = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    const requests: Recorded[] = [];
    return listen(
      https.createServer(
        options,
        handler(requests, () => script),
      ),
      'https',
      requests,
    );
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RecordingProxy {
  url: string;
  /** `CONNECT host:port` for tunnels, `POST http://host:port/path` for absolute-URI requests. */
  seen: string[];
  close(): Promise<void>;
}

/** A forward proxy: relays absolute-URI requests and CONNECT tunnels, recording each. */
export function startProxy(): Promise<RecordingProxy> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '');
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end('proxy: upstream failed');
    });
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        seen,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A port that refuses connections: bound, then closed. */
export async function closedPort(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}
