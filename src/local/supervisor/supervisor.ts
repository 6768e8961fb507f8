/**
 * Starts and stops the local runtime's processes by name (e.g. "podinfo-primary", "podinfo-canary").
 * Restarts nothing on its own: a crash stays visible until someone decides to start the version again.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import { AviaryError } from '../../errors.js';
import { crashPoint } from '../crash-point.js';
import { ManagedProcess, type OutputListener, type ProcessDefinition } from './managed-process.js';
import { portHolder } from './port-holder.js';
import { portStaysInUse } from './probe.js';

/** The environment variable every version is started with; its value is the process's journal token. */
export const PROCESS_TOKEN_ENV = 'AVIARY_PROCESS_TOKEN';

/**
 * Where the supervisor writes down what it starts, so that a run killed at any line leaves a record a
 * later run can find the processes by. Each call completes (is durable) before the supervisor goes on.
 */
export interface ProcessJournal {
  /** Before the spawn: the process about to start, and the token its environment will carry. */
  starting(definition: ProcessDefinition, token: string): Promise<void>;
  /** Right after the spawn: its pid (undefined when it could not be started). */
  started(name: string, token: string, pid: number | undefined): Promise<void>;
  /** Once it is stopped and no process of its group is left. */
  stopped(name: string, token: string): Promise<void>;
}

export interface SupervisorOptions {
  /** Time between SIGTERM and SIGKILL. Default 5 s. */
  graceMs?: number;
  /** Every line the processes print (e.g. to prefix and show them in the terminal). */
  onOutput?: OutputListener;
  journal?: ProcessJournal;
  /** A version exited (or could not start) without being asked to stop. */
  onUnexpectedExit?: (process: ManagedProcess) => void;
}

export class Supervisor {
  private readonly processes = new Map<string, ManagedProcess>();
  private readonly tokens = new Map<ManagedProcess, string>();
  private readonly graceMs: number;

  constructor(private readonly options: SupervisorOptions = {}) {
    this.graceMs = options.graceMs ?? 5000;
  }

  /**
   * Starts a process under `definition.name`, stopping whatever ran under that name first. Refuses
   * (CONFLICT) when another program already listens on the port: its probe would answer for us.
   */
  async start(definition: ProcessDefinition): Promise<ManagedProcess> {
    await this.stop(definition.name);
    if (await portStaysInUse(definition.port)) {
      const holder = portHolder(definition.port);
      const who = holder ? ` (pid ${holder.pid}: ${holder.command})` : '';
      throw new AviaryError(
        'CONFLICT',
        `cannot start ${definition.name}: port ${definition.port} is already in use by another program${who}; ` +
          'stop it or choose another port in spec.local',
      );
    }
    const { journal, onOutput, onUnexpectedExit } = this.options;
    const token = randomBytes(12).toString('hex');
    await journal?.starting(definition, token);
    crashPoint(`spawn:before:${definition.name}`);
    const managed = new ManagedProcess(definition, {
      env: { [PROCESS_TOKEN_ENV]: token },
      ...(onOutput ? { onOutput } : {}),
      onExit: (p) => {
        if (!p.stopRequested) onUnexpectedExit?.(p);
      },
    });
    this.processes.set(definition.name, managed);
    this.tokens.set(managed, token);
    crashPoint(`spawn:after:${definition.name}`);
    await journal?.started(definition.name, token, managed.pid);
    return managed;
  }

  get(name: string): ManagedProcess | undefined {
    return this.processes.get(name);
  }

  list(): ManagedProcess[] {
    return [...this.processes.values()];
  }

  async stop(name: string): Promise<void> {
    const managed = this.processes.get(name);
    if (!managed) return;
    this.processes.delete(name);
    await managed.stop(this.graceMs);
    const token = this.tokens.get(managed);
    this.tokens.delete(managed);
    if (token !== undefined) await this.options.journal?.stopped(name, token);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((name) => this.stop(name)));
  }

  /** For `process.on('exit')`, where nothing asynchronous runs any more. */
  killAllNow(): void {
    for (const managed of this.processes.values()) managed.killNow();
    this.processes.clear();
  }
}

/** The exit status of a process ended by a signal, as shells report it: 128 + the signal's number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/**
 * Stops every process on Ctrl-C / SIGTERM (then exits 130 / 143) and SIGKILLs what is left when the
 * Node process exits for any other reason. Returns a function that removes the handlers.
 */
export function installExitHandlers(
  supervisor: Supervisor,
  onSignal?: (signal: NodeJS.Signals) => void,
): () => void {
  const onExit = () => supervisor.killAllNow();
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      onSignal?.(signal);
      void supervisor.stopAll().finally(() => process.exit(signalExitCode(signal)));
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  process.once('exit', onExit);
  return () => {
    process.off('exit', onExit);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
