/**
 * A tiny HTTP upstream for tests and benchmarks. It answers with its own name, so a test can see which
 * version served a request. Paths:
 *   /            "<name>"             /echo     JSON of method, url, headers and the body it read
 *   /status/NNN  status NNN           /slow?ms= answers after a delay
 *   /stream?chunks=&gapMs=            chunked body, one chunk every gapMs
 *   /healthz     "ok"                 /reset    destroys the connection without answering
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestUpstream {
  name: string;
  port: number;
  /** Requests received, in order (method + url + headers), for assertions. */
  received: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export async function startTestUpstream(
  name: string,
  options: { record?: boolean } = {},
): Promise<TestUpstream> {
  const received: TestUpstream['received'] = [];
  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (options.record !== false)
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const path = url.pathname;
    if (path === '/echo') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.stringify({
          name,
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      });
      return;
    }
    req.resume();
    if (path.startsWith('/status/')) {
      res.writeHead(Number(path.slice('/status/'.length)), { 'content-type': 'text/plain' }).end(name);
    } else if (path === '/slow') {
      const timer = setTimeout(() => res.end(name), Number(url.searchParams.get('ms') ?? '1000'));
      res.on('close', () => clearTimeout(timer));
    } else if (path === '/stream') {
      const chunks = Number(url.searchParams.get('chunks') ?? '3');
      const gap = Number(url.searchParams.get('gapMs') ?? '100');
      res.writeHead(200, { 'content-type': 'text/plain' });
      let sent = 0;
      const timer = setInterval(() => {
        res.write(`chunk-${sent}\n`);
        if (++sent === chunks) {
          clearInterval(timer);
          res.end();
        }
      }, gap);
      res.on('close', () => clearInterval(timer));
    } else if (path === '/reset') {
      req.socket.destroy();
    } else {
      res
        .writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(name) })
        .end(name);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    name,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
