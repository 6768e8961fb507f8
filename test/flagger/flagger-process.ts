/**
 * The real Flagger (github.com/fluxcd/flagger, built from the Go module proxy by
 * scripts/build-components.sh, scripts/components/flagger) as a host process beside Aviary: out of
 * cluster with a kubeconfig, the Istio provider, a Prometheus, one namespace. Its zap JSON log is kept so
 * a failing comparison can show what Flagger said.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../cluster/install.js';
import { freePort } from '../../src/local/free-port.js';

const run = promisify(execFile);

/** The version scripts/components/flagger/go.mod pins. */
export const FLAGGER_VERSION = 'v1.36.1';

let binary: Promise<string> | undefined;

/**
 * The pinned flagger binary: `AVIARY_COMPONENTS=flagger scripts/build-components.sh` prints its bin
 * directory (seconds when cached, about 2.5 minutes cold). A failed build fails the caller; nothing skips.
 */
export function flaggerBinary(): Promise<string> {
  binary ??= run('bash', [path.join(REPO_ROOT, 'scripts/build-components.sh')], {
    env: { ...process.env, AVIARY_COMPONENTS: 'flagger' },
    timeout: 15 * 60_000,
    maxBuffer: 4 * 1024 * 1024,
  }).then(
    ({ stdout }) => {
      const file = path.join(stdout.trim(), 'flagger');
      if (!existsSync(file))
        throw new Error(`scripts/build-components.sh printed ${stdout.trim()}, no flagger there`);
      return file;
    },
    (err: { stderr?: string; message: string }) => {
      throw new Error(
        `building flagger (AVIARY_COMPONENTS=flagger bash scripts/build-components.sh) failed: ${err.stderr?.slice(-3000) ?? err.message}`,
      );
    },
  );
  return binary;
}

export interface FlaggerOptions {
  kubeconfig: string;
  namespace: string;
  metricsServer: string;
  slackUrl?: string;
  eventWebhook?: string;
}

export interface FlaggerProcess {
  readonly pid: number;
  /** Resolves with the exit code when the process has exited. */
  readonly exited: Promise<number | null>;
  /** Zap JSON log lines (other output as `{ raw }`). */
  readonly lines: readonly Record<string, unknown>[];
  tail(n?: number): string;
  stop(): Promise<void>;
}

export async function startFlagger(options: FlaggerOptions): Promise<FlaggerProcess> {
  const file = await flaggerBinary();
  const args = [
    `-kubeconfig=${options.kubeconfig}`,
    '-mesh-provider=istio',
    `-metrics-server=${options.metricsServer}`,
    `-namespace=${options.namespace}`,
    `-port=${await freePort()}`,
    '-log-level=info',
    ...(options.slackUrl
      ? [`-slack-url=${options.slackUrl}`, '-slack-channel=releases', '-slack-user=canary-bot']
      : []),
    ...(options.eventWebhook ? [`-event-webhook=${options.eventWebhook}`] : []),
  ];
  const child: ChildProcess = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const text of parts.filter((p) => p.trim())) {
        try {
          lines.push(JSON.parse(text) as Record<string, unknown>);
        } catch {
          lines.push({ raw: text });
        }
      }
    });
  }
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  return {
    pid: child.pid ?? -1,
    exited,
    lines,
    tail: (n = 40) =>
      [
        `--- flagger ${FLAGGER_VERSION} (pid ${child.pid ?? '?'}${exitCode === undefined ? '' : `, exited ${String(exitCode)}`}), last ${n} of ${lines.length} log lines ---`,
        ...lines
          .slice(-n)
          .map((l) => ('raw' in l ? String(l.raw) : `${String(l.ts)} ${String(l.level)} ${String(l.msg)}`)),
      ].join('\n'),
    async stop() {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
