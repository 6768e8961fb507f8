/**
 * `aviary controller` as its own OS process, exactly as a user runs it (bin/aviary.js) on a host with a
 * kubeconfig (in the e2e: the ServiceAccount aviary-system/aviary's), with its JSON log kept so a failing
 * scenario can show what the controller said.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../../bin/aviary.js', import.meta.url));

export interface ControllerProcessOptions {
  kubeconfig: string;
  namespace: string;
  metricsServer: string;
  /** Lease namespace; enables --leader-election. */
  leaderElectionNamespace?: string;
  /** The Lease's name (--leader-election-id): unique per test, as tests share aviary-system. */
  leaderElectionId?: string;
  leaseDuration?: string;
  /** A name to tell replicas apart in logs and the Lease (POD_NAME). */
  identity?: string;
  extraArgs?: string[];
  /** What node runs instead of `bin/aviary.js controller` (the flags follow it), e.g. a script hosting several. */
  entry?: string[];
}

export interface ControllerProcess {
  readonly pid: number;
  readonly identity: string;
  /** Parsed JSON log lines (non-JSON output is kept as `{ raw }`). */
  readonly lines: readonly Record<string, unknown>[];
  /** The last `n` lines as text, for failure messages. */
  tail(n?: number): string;
  /** Resolves with the first log line matching `predicate`. */
  waitForLog(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnController(options: ControllerProcessOptions): ControllerProcess {
  const identity = options.identity ?? `aviary-e2e-${Math.random().toString(36).slice(2, 8)}`;
  const args = [
    ...(options.entry ?? [BIN, 'controller']),
    '--kubeconfig',
    options.kubeconfig,
    '--namespace',
    options.namespace,
    '--metrics-addr',
    '127.0.0.1:0',
    '--metrics-server',
    options.metricsServer,
    '--min-interval',
    '1s',
    ...(options.leaderElectionNamespace
      ? ['--leader-election', '--leader-election-namespace', options.leaderElectionNamespace]
      : []),
    ...(options.leaderElectionId ? ['--leader-election-id', options.leaderElectionId] : []),
    ...(options.leaseDuration ? ['--leader-election-lease-duration', options.leaseDuration] : []),
    ...(options.extraArgs ?? []),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, POD_NAME: identity };
  for (const name of ['KUBECONFIG', 'WATCH_NAMESPACE', 'LEADER_ELECTION_ID', 'LEADER_ELECTION_NAMESPACE'])
    delete env[name];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const lines: Record<string, unknown>[] = [];
  const listeners = new Set<(line: Record<string, unknown>) => void>();
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const text of parts.filter((p) => p.trim())) {
        let line: Record<string, unknown>;
        try {
          line = JSON.parse(text) as Record<string, unknown>;
        } catch {
          line = { raw: text };
        }
        lines.push(line);
        for (const listener of listeners) listener(line);
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );

  const describe = (line: Record<string, unknown>) => {
    if ('raw' in line) return String(line.raw);
    const { level, time, msg, pid: _pid, hostname: _host, component: _c, ...rest } = line;
    const stamp = typeof time === 'number' ? new Date(time).toISOString().slice(11, 23) : '';
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    return `${stamp} ${PINO_LEVELS[Number(level)] ?? String(level)} ${String(msg)}${extra}`;
  };

  return {
    pid: child.pid ?? -1,
    identity,
    lines,
    tail: (n = 40) =>
      [
        `--- controller ${identity} (pid ${child.pid ?? '?'}${exitCode === undefined ? '' : `, exited ${String(exitCode)}`}), last ${n} of ${lines.length} log lines ---`,
        ...lines.slice(-n).map(describe),
      ].join('\n'),
    waitForLog(predicate, timeoutMs = 15_000) {
      const found = lines.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`controller ${identity}: no matching log line within ${timeoutMs} ms`));
        }, timeoutMs);
        const listener = (line: Record<string, unknown>) => {
          if (!predicate(line)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(line);
        };
        listeners.add(listener);
      });
    },
    exited,
    async kill(signal = 'SIGTERM') {
      if (exitCode !== undefined) return;
      child.kill(signal);
      const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

const PINO_LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
