/**
 * Starts a real Prometheus (the Debian `prometheus` binary) for a test: free port, temporary data directory,
 * 1 s scrape interval, scraping the targets the test gives (usually an `Exporter`). Waits until it is ready
 * and has scraped every target once; `stop()` shuts it down and removes its data. Expect about 6 s to start:
 * Prometheus 2.x is ready within a second, but its discovery manager hands targets to the scrapers only on a
 * fixed 5 s tick, so share one instance per test file.
 *
 * Without the binary, `prometheusAvailable()` is false so suites can skip, except under CI=true, where
 * `startPrometheus` and `requirePrometheus()` fail loudly: CI must exercise the real thing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/local/free-port.js';

export const PROMETHEUS_BINARY = process.env['PROMETHEUS_BIN'] ?? '/usr/bin/prometheus';

export interface StartPrometheusOptions {
  /** Scrape targets, `host:port` (e.g. `exporter.target`). */
  targets: readonly string[];
  /** Default 1 s. */
  scrapeIntervalSeconds?: number;
  /** Job label of the targets. Default `exporter`. */
  job?: string;
  /** Extra command-line flags. */
  args?: readonly string[];
  /** How long to wait for ready and the first scrape. Default 20 s. */
  startTimeoutMs?: number;
}

export interface RunningPrometheus {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Instant query through the HTTP API; returns `data`. Throws on an error answer. */
  query(promql: string): Promise<{ resultType: string; result: unknown[] }>;
  /** Polls `promql` until its single value satisfies `accept` (default: any value). Returns that value. */
  waitForValue(promql: string, accept?: (v: number) => boolean, timeoutMs?: number): Promise<number>;
  /** What Prometheus has logged (for failure messages). */
  logs(): string;
  stop(): Promise<void>;
}

export function prometheusAvailable(): boolean {
  return existsSync(PROMETHEUS_BINARY) && spawnSync(PROMETHEUS_BINARY, ['--version']).status === 0;
}

/** Throws when the binary is missing under CI=true; otherwise reports whether suites can run. */
export function requirePrometheus(): boolean {
  const available = prometheusAvailable();
  if (!available && process.env['CI'] === 'true') {
    throw new Error(
      `prometheus binary not found at ${PROMETHEUS_BINARY}: install the Debian package (apt-get install -y prometheus) ` +
        'or set PROMETHEUS_BIN; CI does not skip the Prometheus tests',
    );
  }
  return available;
}

export { freePort };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startPrometheus(options: StartPrometheusOptions): Promise<RunningPrometheus> {
  if (!requirePrometheus()) throw new Error(`prometheus binary not found at ${PROMETHEUS_BINARY}`);
  const interval = options.scrapeIntervalSeconds ?? 1;
  const job = options.job ?? 'exporter';
  const dataDir = await mkdtemp(join(tmpdir(), 'aviary-prometheus-'));
  const configFile = join(dataDir, 'prometheus.yml');
  await writeFile(
    configFile,
    [
      'global:',
      `  scrape_interval: ${interval}s`,
      `  scrape_timeout: ${interval}s`,
      `  evaluation_interval: ${interval}s`,
      'scrape_configs:',
      `  - job_name: ${JSON.stringify(job)}`,
      '    static_configs:',
      `      - targets: ${JSON.stringify(options.targets)}`,
      '',
    ].join('\n'),
  );

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dataDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      ...((options.args ?? []).some((a) => a.startsWith('--log.level')) ? [] : ['--log.level=warn']),
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );

  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exit.then(() => true), sleep(5000).then(() => false)]);
      if (!killed) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const api = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: unknown; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error ?? response.status}`);
    return body.data;
  };
  const query = async (promql: string) =>
    (await api(`/api/v1/query?query=${encodeURIComponent(promql)}`)) as {
      resultType: string;
      result: unknown[];
    };

  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  const fail = async (why: string): Promise<never> => {
    const logs = output;
    await stop();
    throw new Error(`Prometheus did not start: ${why}\n${logs}`);
  };
  // Ready?
  for (;;) {
    if (exited !== undefined) await fail(`it exited with code ${exited}`);
    if (Date.now() > deadline) await fail('/-/ready did not answer 200 in time');
    try {
      if ((await fetch(`${url}/-/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  // Every target scraped once?
  const expected = options.targets.length;
  for (;;) {
    if (Date.now() > deadline) await fail(`the ${expected} target(s) were not scraped in time`);
    const data = await query(`count(up{job=${JSON.stringify(job)}} == 1)`).catch(() => undefined);
    const value = (data?.result[0] as { value?: [number, string] } | undefined)?.value?.[1];
    if (expected === 0 || Number(value) === expected) break;
    await sleep(200);
  }

  return {
    url,
    port,
    dataDir,
    query,
    async waitForValue(promql, accept = () => true, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const data = await query(promql);
        const sample = data.result[0] as { value?: [number, string] } | undefined;
        const value =
          data.resultType === 'vector' && data.result.length === 1 ? Number(sample?.value?.[1]) : NaN;
        if (!Number.isNaN(value) && accept(value)) return value;
        if (Date.now() > until) {
          const last = JSON.stringify(data.result).slice(0, 300);
          throw new Error(`waitForValue(${promql}) timed out; last result: ${last}`);
        }
        await sleep(250);
      }
    },
    logs: () => output,
    stop,
  };
}
