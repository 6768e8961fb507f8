/**
 * `aviary verify` as a user runs it, against real processes: two sample apps (src/demo/sample-app.ts, one
 * process per version) behind Aviary's local router, the verify command run through bin/aviary.js. A
 * right split passes, a wrong one (a 50/50 spread, as a Service spreads over one pod of each version) and
 * too few requests fail, and the router's metrics page and a real Prometheus scraping it are read too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local/free-port.js';
import { MetricsServer, RequestMetrics } from '../../src/local/metrics/index.js';
import { WeightedProxy, type WeightedProxyOptions } from '../../src/local/router/index.js';
import {
  PROMETHEUS_BINARY,
  requirePrometheus,
  startPrometheus,
  type RunningPrometheus,
} from '../prometheus/index.js';

const REPO = resolve(import.meta.dirname, '../..');
const AVIARY_BIN = join(REPO, 'bin/aviary.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function aviary(args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [AVIARY_BIN, 'verify', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

async function sampleApp(version: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO, 'src/demo/sample-app.ts'), '--port', String(port), '--version', version],
    { cwd: REPO, stdio: 'ignore' },
  );
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return { port, child };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`sample app ${version} did not listen on ${port} within 20 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The rows of the printed table, whitespace collapsed: "v1 90 90.0% 90% 84-95 (84.0%-95.0%)". */
const rows = (out: string) => out.split('\n').map((l) => l.trim().replace(/\s+/g, ' '));

describe('aviary verify against the local router and two sample apps', () => {
  const apps: ChildProcess[] = [];
  let router: WeightedProxy;
  let upstreams: Pick<WeightedProxyOptions, 'primary' | 'canary'>;
  let metricsServer: MetricsServer;
  let url: string;
  let metricsUrl: string;

  beforeAll(async () => {
    const [v1, v2] = await Promise.all([sampleApp('v1'), sampleApp('v2')]);
    apps.push(v1.child, v2.child);
    const metrics = new RequestMetrics();
    upstreams = {
      primary: { name: 'sample-primary', host: '127.0.0.1', port: v1.port },
      canary: { name: 'sample-canary', host: '127.0.0.1', port: v2.port },
    };
    router = new WeightedProxy({ ...upstreams, observer: metrics });
    url = `http://127.0.0.1:${await router.listen(0)}/`;
    metricsServer = new MetricsServer(metrics);
    metricsUrl = `http://127.0.0.1:${await metricsServer.listen(0)}/metrics`;
  }, 60_000);

  afterAll(async () => {
    await router?.close();
    await metricsServer?.close();
    for (const app of apps) app.kill('SIGTERM');
  });

  const split = (canaryWeight: number) =>
    router.setRoutes({ primaryWeight: 100 - canaryWeight, canaryWeight, mirrored: false });

  it("passes the seed's 90/10 case: 100 requests, v1 within the expected 84-95", async () => {
    split(10);
    const run = await aviary([url, '--weights', 'v1=90,v2=10', '--json-field', 'version']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = rows(run.stdout);
    expect(lines[0]).toBe('version requests share weight expected at 95%');
    expect(lines).toContain('v1 90 90.0% 90% 84-95 (84.0%-95.0%)');
    expect(lines).toContain('v2 10 10.0% 10% 5-16 (5.0%-16.0%)');
    expect(run.stdout).toMatch(/exact binomial test over 100 requests: p = 1\.000/);
    expect(run.stdout).toContain('OK: the split is consistent with the weights');
  }, 60_000);

  it('fails a split that is off: 50/50 where the weights say 90/10, with the p-value', async () => {
    split(50);
    const run = await aviary([url, '--weights', 'v1=90,v2=10', '--version-header', 'x-version']);
    expect(run.code).toBe(1);
    expect(rows(run.stdout)).toContain('v1 50 50.0% 90% 84-95 (84.0%-95.0%)');
    expect(run.stdout).toMatch(/p = 5\.8e-24/);
    expect(run.stdout).toContain('SPLIT OFF: the shares differ from the weights beyond chance (p < 0.050)');
  }, 60_000);

  it('says it cannot tell from too few requests, and fails', async () => {
    split(10);
    const run = await aviary([
      url,
      '--weights',
      'v1=90,v2=10',
      '--regex',
      '"version":"(v\\d+)"',
      '--requests',
      '10',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'CANNOT TELL: 10 requests are too few to detect a wrong split; send at least 34',
    );
  }, 60_000);

  it('fails when a version outside --weights answers, and when responses name no version', async () => {
    split(10);
    const unexpected = await aviary([url, '--weights', 'v1=90,v3=10', '--json-field', 'version']);
    expect(unexpected.code).toBe(1);
    expect(unexpected.stdout).toContain('unexpected version v2: 10 requests (not in --weights)');
    const unnamed = await aviary([url, '--weights', 'v1=90,v2=10', '--version-header', 'x-build']);
    expect(unnamed.code).toBe(1);
    expect(unnamed.stdout).toContain(
      '100 requests named no version: HTTP 200 named no version (no x-build header)',
    );
  }, 60_000);

  it('reads the split from the router metrics page over a window', async () => {
    split(20);
    let done = false;
    const running = aviary([
      '--metrics-url',
      metricsUrl,
      '--window',
      '3s',
      '--weights',
      'primary=80,canary=20',
      '--json',
    ]).finally(() => (done = true));
    // Requests from a client of the test's own until the command has read its window.
    let sent = 0;
    while (!done) {
      await (await fetch(url)).text();
      sent++;
    }
    const run = await running;
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      test: { total: number; versions: { version: string; count: number }[] };
    };
    const primary = result.test.versions.find((v) => v.version === 'primary')!.count;
    expect(result.test.total).toBeGreaterThan(50);
    expect(result.test.total).toBeLessThanOrEqual(sent);
    // The router's smooth weighted round robin keeps any window within one request of 80/20.
    expect(Math.abs(primary - 0.8 * result.test.total)).toBeLessThanOrEqual(1);
  }, 60_000);

  it('reads the split from a real Prometheus scraping a router of its own', async () => {
    if (!requirePrometheus()) {
      throw new Error(
        `no prometheus at ${PROMETHEUS_BINARY}: apt-get install -y prometheus, or set PROMETHEUS_BIN`,
      );
    }
    // A router of its own, so its counters hold exactly this test's requests.
    const metrics = new RequestMetrics();
    const own = new WeightedProxy({ ...upstreams, observer: metrics });
    const ownUrl = `http://127.0.0.1:${await own.listen(0)}/`;
    const page = new MetricsServer(metrics);
    const target = `127.0.0.1:${await page.listen(0)}`;
    let prometheus: RunningPrometheus | undefined;
    try {
      prometheus = await startPrometheus({ targets: [target] });
      own.setRoutes({ primaryWeight: 50, canaryWeight: 50, mirrored: false });
      for (let i = 0; i < 200; i++) await (await fetch(ownUrl)).text();
      await prometheus.waitForValue('sum(aviary_requests_total)', (v) => v === 200, 20_000);
      const query = ['--prometheus', prometheus.url, '--query', 'sum by (version) (aviary_requests_total)'];
      const off = await aviary([...query, '--weights', 'primary=90,canary=10']);
      expect(off.code).toBe(1);
      expect(rows(off.stdout)).toContain('canary 100 50.0% 10% 12-29 (6.0%-14.5%)');
      expect(off.stdout).toContain('SPLIT OFF');
      const even = await aviary([...query, '--weights', 'primary=50,canary=50']);
      expect(even.code).toBe(0);
    } finally {
      await prometheus?.stop();
      await own.close();
      await page.close();
    }
  }, 90_000);

  it('sends the --host header, as to a virtual host of a gateway', async () => {
    // A gateway of the test's own: only app.example.com reaches the router, anything else is a 404.
    const gateway = createServer((req, res) => {
      if (req.headers.host !== 'app.example.com') return void res.writeHead(404).end('no such host\n');
      void fetch(url).then(async (answer) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(await answer.text()),
      );
    });
    await new Promise<void>((done) => gateway.listen(0, '127.0.0.1', done));
    const gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/`;
    try {
      split(10);
      const routed = await aviary([
        gatewayUrl,
        '--host',
        'app.example.com',
        '--weights',
        'v1=90,v2=10',
        '--json-field',
        'version',
      ]);
      expect(routed.code).toBe(0);
      const unrouted = await aviary([gatewayUrl, '--weights', 'v1=90,v2=10', '--json-field', 'version']);
      expect(unrouted.code).toBe(1);
      expect(unrouted.stdout).toContain(
        '100 requests named no version: HTTP 404 named no version (no JSON field version)',
      );
    } finally {
      gateway.close();
    }
  }, 60_000);

  it('refuses bad input naming the flag and the fix', async () => {
    const run = await aviary([url, '--weights', 'v1=90,v2=20', '--json-field', 'version']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--weights: the weights add up to 110, not 100');
    const none = await aviary([url, '--weights', 'v1=90,v2=10']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('exactly one of --version-header, --json-field or --regex');
  }, 60_000);
});
