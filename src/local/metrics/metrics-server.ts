/** Serves the router's Prometheus metrics on their own port (so the app's own /metrics stays the app's). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestMetrics } from './request-metrics.js';

export class MetricsServer {
  private readonly server: http.Server;

  constructor(metrics: RequestMetrics) {
    this.server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' || path !== '/metrics') {
        res
          .writeHead(404, { 'content-type': 'text/plain' })
          .end('Aviary router metrics are served at GET /metrics\n');
        return;
      }
      metrics.text().then(
        (body) => res.writeHead(200, { 'content-type': metrics.contentType }).end(body),
        (err: unknown) =>
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(err)}\n`),
      );
    });
  }

  listen(port: number, host = '127.0.0.1'): Promise<number> {
    if (this.server.listening) return Promise.resolve(this.port!);
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.port!);
      });
    });
  }

  get port(): number | undefined {
    return (this.server.address() as AddressInfo | null)?.port;
  }

  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    return closed;
  }
}
