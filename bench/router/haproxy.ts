/** HAProxy with the same 90/10 split, as the reference proxy (`haproxy -f cfg -db`, loopback only). */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function haproxyConfig(port: number, primary: number, canary: number, threads: number): string {
  return `global
  maxconn 4096
  nbthread ${threads}

defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option http-keep-alive

frontend bench
  bind 127.0.0.1:${port}
  default_backend app

backend app
  balance roundrobin
  http-reuse always
  server primary 127.0.0.1:${primary} weight 90
  server canary 127.0.0.1:${canary} weight 10
`;
}

export async function startHaproxy(
  port: number,
  primary: number,
  canary: number,
  threads: number,
): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'aviary-bench-'));
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyConfig(port, primary, canary, threads));
  const child = spawn('haproxy', ['-f', cfg, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const deadline = Date.now() + 5000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}: ${stderr}`);
    try {
      await fetch(`http://127.0.0.1:${port}/warm`).then((r) => r.text());
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`haproxy did not start listening: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return () => child.kill('SIGKILL');
}
