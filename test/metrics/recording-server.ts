/**
 * A local HTTP server standing in for a SaaS metrics API: it records every request (method, path, query,
 * headers, body) so that a test can check what the client sent, and answers with the test's handler,
 * which returns the documented response shape.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body: string | object;
}

export interface RecordingServer {
  url: string;
  requests: Recorded[];
  /** Replaces the handler (the default answers 404). */
  answer(handler: (request: Recorded) => Answer | Promise<Answer>): void;
  close(): Promise<void>;
}

export async function recordingServer(): Promise<RecordingServer> {
  const requests: Recorded[] = [];
  let handler: (request: Recorded) => Answer | Promise<Answer> = () => ({ status: 404, body: 'no handler' });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const recorded: Recorded = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      void Promise.resolve(handler(recorded)).then((a) => {
        const body = typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...a.headers });
        res.end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (h) => {
      handler = h;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a test may leave a request unanswered on purpose
      }),
  };
}

/** A recording server started before the suite's tests and closed after them. */
export function suiteServer(): RecordingServer {
  let current: RecordingServer | undefined;
  beforeAll(async () => {
    current = await recordingServer();
  });
  afterAll(() => current?.close());
  const get = () => {
    if (!current) throw new Error('the recording server starts in beforeAll');
    return current;
  };
  return {
    get url() {
      return get().url;
    },
    get requests() {
      return get().requests;
    },
    answer: (handler) => get().answer(handler),
    close: () => get().close(),
  };
}
