/**
 * Starts and stops the local runtime's processes by name (e.g. "podinfo-primary", "podinfo-canary").
 * Restarts nothing on its own: a crash stays visible until someone decides to start the version again.
 */
import { AviaryError } from '../../errors.js';
import { ManagedProcess, type OutputListener, type ProcessDefinition } from './managed-process.js';
import { portInUse } from './probe.js';

export interface SupervisorOptions {
  /** Time between SIGTERM and SIGKILL. Default 5 s. */
  graceMs?: number;
  /** Every line the processes print (e.g. to prefix and show them in the terminal). */
  onOutput?: OutputListener;
}

export class Supervisor {
  private readonly processes = new Map<string, ManagedProcess>();
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
    if (await portInUse(definition.port)) {
      throw new AviaryError(
        'CONFLICT',
        `cannot start ${definition.name}: port ${definition.port} is already in use by another program; ` +
          'stop it or choose another port in spec.local',
      );
    }
    const managed = new ManagedProcess(definition, this.options.onOutput);
    this.processes.set(definition.name, managed);
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
      void supervisor.stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
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
