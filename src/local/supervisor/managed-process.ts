/**
 * One version's process. Started without a shell in its own process group, so stopping it reaches every
 * process it spawned. It is never restarted behind the user's back: once it exits it stays exited, and
 * its readiness says so with the exit code and the last lines it wrote to stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readiness } from '../../engine/ports.js';
import { probeHttp } from './probe.js';
import { terminateGroup } from './process-group.js';

export interface ProcessDefinition {
  /** Shown in every message, e.g. "podinfo-canary". */
  name: string;
  /** argv; `{port}` in any argument is replaced by `port`. */
  command: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Port the process must listen on (127.0.0.1); also given to it as $PORT. */
  port: number;
  /** Default /healthz. */
  readinessPath?: string;
}

const TAIL_LINES = 20;

class LineTail {
  private readonly lines: string[] = [];
  private partial = '';
  constructor(private readonly onLine?: (line: string) => void) {}
  push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
  }
  private add(line: string): void {
    this.onLine?.(line);
    this.lines.push(line);
    if (this.lines.length > TAIL_LINES) this.lines.shift();
  }
  get(): string[] {
    return this.partial ? [...this.lines, this.partial] : [...this.lines];
  }
}

export type OutputListener = (process: string, stream: 'stdout' | 'stderr', line: string) => void;

export interface ManagedProcessOptions {
  onOutput?: OutputListener;
  /** Added to the process's environment after the definition's (e.g. the token a later run finds it by). */
  env?: Record<string, string>;
  /** Called once when the process exits or cannot be started, whoever caused it. */
  onExit?: (process: ManagedProcess) => void;
}

/** "35" for 35.2 s, "0.4" below 10 s, where a tenth says something. */
function seconds(ms: number): string {
  return ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000));
}

export function substitutePort(command: readonly string[], port: number): string[] {
  return command.map((arg) => arg.replaceAll('{port}', String(port)));
}

export class ManagedProcess {
  readonly startedAt = Date.now();
  private readonly child: ChildProcess;
  private readonly stdout: LineTail;
  private readonly stderr: LineTail;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private spawnError: Error | undefined;
  private stopping = false;
  private readonly exited: Promise<void>;

  constructor(
    readonly definition: ProcessDefinition,
    options: ManagedProcessOptions = {},
  ) {
    const { onOutput } = options;
    const [file, ...args] = substitutePort(definition.command, definition.port);
    this.stdout = new LineTail(onOutput && ((l) => onOutput(definition.name, 'stdout', l)));
    this.stderr = new LineTail(onOutput && ((l) => onOutput(definition.name, 'stderr', l)));
    this.child = spawn(file!, args, {
      cwd: definition.cwd,
      env: { ...process.env, PORT: String(definition.port), ...definition.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: stop() signals the whole group, so no grandchild outlives its version.
      detached: true,
    });
    this.child.stdout?.setEncoding('utf8').on('data', (c: string) => this.stdout.push(c));
    this.child.stderr?.setEncoding('utf8').on('data', (c: string) => this.stderr.push(c));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve();
        options.onExit?.(this);
      });
      this.child.once('error', (err) => {
        // Spawn failures (ENOENT, EACCES) emit 'error' and no 'exit'.
        if (this.child.pid === undefined) {
          this.spawnError = err;
          resolve();
          options.onExit?.(this);
        }
      });
    });
  }

  /** True once Aviary asked the process to stop (an exit after that is no failure of the version). */
  get stopRequested(): boolean {
    return this.stopping;
  }

  get name(): string {
    return this.definition.name;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined && this.spawnError === undefined;
  }

  get exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exitInfo;
  }

  stderrTail(): string[] {
    return this.stderr.get();
  }

  stdoutTail(): string[] {
    return this.stdout.get();
  }

  /**
   * Why the process is gone, with what it last said; undefined while it runs. Leads with what happened
   * ("app-canary exited with code 3"), then the command and its last stderr lines.
   */
  failure(): string | undefined {
    const command = this.definition.command.join(' ');
    if (this.spawnError) return `could not start ${this.name} (${command}): ${this.spawnError.message}`;
    if (!this.exitInfo) return undefined;
    const how =
      this.exitInfo.signal !== null
        ? `was killed by ${this.exitInfo.signal}`
        : `exited with code ${this.exitInfo.code}`;
    const tail = this.stderrTail().slice(-5);
    const said =
      tail.length > 0 ? `; last stderr lines:\n  ${tail.join('\n  ')}` : '; it wrote nothing to stderr';
    return `${this.name} ${how}${this.stopping ? ' after Aviary stopped it' : ''} (command: ${command})${said}`;
  }

  /** Probes once. An exited process is not ready and waiting will not help. */
  async readiness(readyTimeoutMs = Infinity): Promise<Readiness> {
    const failure = this.failure();
    if (failure) return { ready: false, reason: failure, retriable: false };
    const path = this.definition.readinessPath ?? '/healthz';
    const probe = await probeHttp(this.definition.port, path);
    if (probe.ok) return { ready: true };
    const after = this.failure();
    if (after) return { ready: false, reason: after, retriable: false };
    const elapsed = Date.now() - this.startedAt;
    if (elapsed > readyTimeoutMs) {
      const listening = / failed: ECONNREFUSED$/.test(probe.reason)
        ? `nothing listens on port ${this.definition.port}, `
        : '';
      return {
        ready: false,
        reason:
          `${this.name} not ready after ${seconds(elapsed)} s: ${probe.reason} (${listening}` +
          `the process runs as pid ${this.pid}; it is given spec.local.readinessTimeout to answer)`,
        retriable: false,
      };
    }
    return { ready: false, reason: `${this.name} is not ready yet: ${probe.reason}`, retriable: true };
  }

  /** Polls readiness until ready, exited, or `timeoutMs` after start. */
  async waitReady(timeoutMs: number, intervalMs = 100): Promise<Readiness> {
    for (;;) {
      const readiness = await this.readiness(timeoutMs);
      if (readiness.ready || !readiness.retriable) return readiness;
      await Promise.race([new Promise((r) => setTimeout(r, intervalMs)), this.exited]);
    }
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.pid === undefined) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      // Already gone.
    }
  }

  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when no process of the group is left. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    if (this.pid === undefined) return;
    await terminateGroup(this.pid, graceMs);
    if (this.running) await Promise.race([this.exited, new Promise((r) => setTimeout(r, 1000))]);
  }

  /** Synchronous last resort for process exit: SIGKILL the group, no waiting. */
  killNow(): void {
    this.stopping = true;
    this.signalGroup('SIGKILL');
  }
}
