/**
 * The demo's sample service: answers with its version, and injects faults on request so the demo can
 * show one healthy release and one bad one. Run as its own process:
 *   node --import tsx src/demo/sample-app.ts --port 9001 --version v2 --error-rate 0.05 --latency-ms 80
 */
import { createServer, type Server } from 'node:http';
import { parseArgs } from 'node:util';

export interface SampleAppOptions {
  port: number;
  host?: string;
  version: string;
  /** Share of requests answered with 500, 0..1. */
  errorRate?: number;
  /** Added latency per request, in ms (with +-20% jitter so p99 is not a constant). */
  latencyMs?: number;
  /** Seeded-free randomness is fine here: the demo measures real behaviour. */
  random?: () => number;
}

export function startSampleApp(options: SampleAppOptions): Promise<Server> {
  const random = options.random ?? Math.random;
  const errorRate = options.errorRate ?? 0;
  const latencyMs = options.latencyMs ?? 0;
  const server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    const delay = latencyMs > 0 ? latencyMs * (0.8 + 0.4 * random()) : 0;
    setTimeout(() => {
      const failed = random() < errorRate;
      res.writeHead(failed ? 500 : 200, { 'content-type': 'application/json', 'x-version': options.version });
      res.end(JSON.stringify({ version: options.version, ok: !failed }) + '\n');
    }, delay);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve(server));
  });
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      version: { type: 'string', default: 'v1' },
      'error-rate': { type: 'string', default: '0' },
      'latency-ms': { type: 'string', default: '0' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port <= 0) {
    process.stderr.write('sample-app: --port must be a port number, e.g. --port 9001\n');
    process.exit(2);
  }
  const server = await startSampleApp({
    port,
    version: values.version,
    errorRate: Number(values['error-rate']),
    latencyMs: Number(values['latency-ms']),
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
