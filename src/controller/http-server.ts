/** The controller's HTTP endpoints: `/metrics` (Prometheus), `/healthz` (alive and watching). */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { AviaryError } from '../errors.js';

export interface HealthSource {
  /** Empty when healthy, else what is wrong ("watch on canaries is down"). */
  problems(): string[];
}

export function startControllerHttp(
  address: string,
  registry: Registry,
  health: HealthSource,
): Promise<Server> {
  const [host, port] = splitAddress(address);
  const server = createServer((req, res) => {
    void (async () => {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
      } else if (req.url === '/healthz' || req.url === '/readyz') {
        const problems = health.problems();
        res.writeHead(problems.length ? 503 : 200, { 'content-type': 'text/plain' });
        res.end(problems.length ? problems.join('\n') + '\n' : 'ok\n');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
      }
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

/** ":8080" -> ["0.0.0.0", 8080]; "127.0.0.1:0" -> ["127.0.0.1", 0]. */
export function splitAddress(address: string): [string, number] {
  const index = address.lastIndexOf(':');
  const host = index > 0 ? address.slice(0, index) : '0.0.0.0';
  const port = Number(address.slice(index + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AviaryError(
      'USAGE',
      `metrics address "${address}" is not host:port — use e.g. ":8080" or "127.0.0.1:8080"`,
    );
  }
  return [host, port];
}
