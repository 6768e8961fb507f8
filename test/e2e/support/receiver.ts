/**
 * One local HTTP server standing in for everything a Canary calls out to: the load tester behind its
 * webhooks (`/hooks/<namespace>/<name>`) and a Slack-compatible incoming webhook (`/slack/<namespace>`).
 * It records every POST so scenarios can assert which gates ran and which alerts went out.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  body: unknown;
  at: number;
}

export interface Receiver {
  readonly url: string;
  readonly received: readonly Received[];
  /** Requests whose path starts with `prefix`. */
  calls(prefix: string): Received[];
  /** Answers requests under `prefix` with `status` from now on (default 200). */
  respond(prefix: string, status: number): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const statuses = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const path = req.url ?? '/';
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // keep the raw text
      }
      received.push({ path, body, at: Date.now() });
      const status =
        [...statuses.entries()].filter(([prefix]) => path.startsWith(prefix)).map(([, s]) => s)[0] ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'refused');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    calls: (prefix) => received.filter((r) => r.path.startsWith(prefix)),
    respond: (prefix, status) => void statuses.set(prefix, status),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
