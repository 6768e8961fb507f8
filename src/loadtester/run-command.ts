/**
 * Runs one program to completion with a deadline. The program leads its own process group so that,
 * on timeout, abort or close, everything it started (children, `sh -c` pipelines, `hey` workers) is
 * signalled together: SIGTERM first, SIGKILL after a grace period.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface RunRequest {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Aborting kills the process group (client gone, loadtester closing). */
  signal?: AbortSignal;
  /** Called with each complete output line (stdout and stderr), for logging. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  onSpawn?: (pid: number) => void;
  killGraceMs?: number;
  maxOutputBytes?: number;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the program could not be started at all. */
  spawnError?: string;
  /** Combined stdout and stderr, in arrival order, cut at maxOutputBytes. */
  output: string;
  outputTruncated: boolean;
  durationMs: number;
}

const DEFAULT_MAX_OUTPUT = 256 * 1024;

export function runCommand(req: RunRequest): Promise<RunResult> {
  const started = Date.now();
  const maxOutput = req.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const grace = req.killGraceMs ?? 2000;

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let outputBytes = 0;
    let outputTruncated = false;
    let timedOut = false;
    let aborted = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(req.file, req.args, {
        cwd: req.cwd,
        env: req.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      // spawn throws synchronously on some inputs (E2BIG, a NUL byte): report it, never crash.
      resolve({
        exitCode: null,
        signal: null,
        timedOut: false,
        aborted: false,
        spawnError: (err as Error).message,
        output: '',
        outputTruncated: false,
        durationMs: Date.now() - started,
      });
      return;
    }

    const signalGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // group already gone
      }
    };
    const terminate = (): void => {
      signalGroup('SIGTERM');
      killTimer ??= setTimeout(() => signalGroup('SIGKILL'), grace);
      killTimer.unref();
    };

    const finish = (spawnError?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (killTimer) clearTimeout(killTimer);
      req.signal?.removeEventListener('abort', onAbort);
      // Anything the program left behind in its group dies with it.
      signalGroup('SIGKILL');
      flushLines();
      resolve({
        exitCode: exitInfo?.code ?? null,
        signal: exitInfo?.signal ?? null,
        timedOut,
        aborted,
        ...(spawnError !== undefined ? { spawnError } : {}),
        output: Buffer.concat(chunks).toString('utf8'),
        outputTruncated,
        durationMs: Date.now() - started,
      });
    };

    const deadline = setTimeout(() => {
      timedOut = true;
      terminate();
    }, req.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      terminate();
    };
    if (req.signal?.aborted) onAbort();
    else req.signal?.addEventListener('abort', onAbort, { once: true });

    const partial = { stdout: '', stderr: '' };
    const flushLines = (): void => {
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream] !== '') req.onLine?.(partial[stream], stream);
        partial[stream] = '';
      }
    };
    const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      if (outputBytes < maxOutput) {
        const room = maxOutput - outputBytes;
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        outputBytes += Math.min(room, chunk.length);
        if (chunk.length > room) outputTruncated = true;
      } else {
        outputTruncated = true;
      }
      if (req.onLine) {
        const lines = (partial[stream] + chunk.toString('utf8')).split('\n');
        partial[stream] = lines.pop() ?? '';
        for (const line of lines) req.onLine(line, stream);
      }
    };
    child.stdout.on('data', collect('stdout'));
    child.stderr.on('data', collect('stderr'));

    child.on('spawn', () => {
      if (child.pid !== undefined) req.onSpawn?.(child.pid);
    });
    child.on('error', (err) => finish(err.message));
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      // A process that escaped the group may still hold the pipes open; do not wait for it forever.
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, 500).unref();
    });
    child.on('close', () => finish());
  });
}

/** One line for logs and HTTP answers: how the program ended. */
export function describeEnd(result: RunResult, timeoutMs: number): string {
  if (result.spawnError !== undefined) return `could not be started: ${result.spawnError}`;
  if (result.timedOut) return `timed out after ${timeoutMs}ms and was killed (with its process group)`;
  if (result.aborted)
    return 'was stopped before it finished (client disconnected or loadtester shutting down)';
  if (result.signal) return `was killed by ${result.signal}`;
  return `exited with code ${result.exitCode}`;
}

export function succeeded(result: RunResult): boolean {
  return result.spawnError === undefined && !result.timedOut && !result.aborted && result.exitCode === 0;
}
