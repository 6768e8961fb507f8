/**
 * The benchmark's upstreams: two HTTP servers (primary, canary) in one child Node process, so they do
 * not share an event loop with the router under test. Each answers a small fixed body and counts its
 * requests (GET /__count) so the bench can check the split the proxies applied.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const SCRIPT = `
const http = require('node:http');
const counts = { primary: 0, canary: 0 };
const body = Buffer.from('hello from the upstream\\n');
const ports = {};
let ready = 0;
for (const name of ['primary', 'canary']) {
  const server = http.createServer({ keepAliveTimeout: 65000 }, (req, res) => {
    if (req.url === '/__count') { res.end(String(counts[name])); return; }
    counts[name]++;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    ports[name] = server.address().port;
    if (++ready === 2) process.stdout.write(JSON.stringify(ports) + '\\n');
  });
}
`;

export interface BenchUpstreams {
  primary: number;
  canary: number;
  count(name: 'primary' | 'canary'): Promise<number>;
  stop(): void;
}

export function startUpstreams(): Promise<BenchUpstreams> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Never outlive the bench, whatever way it ends.
  process.once('exit', () => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.setEncoding('utf8').once('data', (line: string) => {
      const ports = JSON.parse(line) as { primary: number; canary: number };
      resolve({
        ...ports,
        count: async (name) => Number(await (await fetch(`http://127.0.0.1:${ports[name]}/__count`)).text()),
        stop: () => child.kill('SIGKILL'),
      });
    });
  });
}
