/**
 * Background commands (`type: cmd`), Flagger's TaskRunner semantics: one running instance per
 * canary + command string. A webhook that arrives while its command is still running is answered
 * "already running" and starts nothing; once the command ends, the next webhook starts it again.
 */
import { runCommand, type RunRequest, type RunResult } from './run-command.js';

export interface BackgroundTaskInfo {
  canary: string;
  cmd: string;
  pid: number | undefined;
  startedAt: string;
}

interface RunningTask {
  info: BackgroundTaskInfo;
  abort: AbortController;
  done: Promise<RunResult>;
}

export class BackgroundTasks {
  private readonly running = new Map<string, RunningTask>();
  private closed = false;

  /** At most `maxRunning` commands at once: each webhook could otherwise start another load generator. */
  constructor(readonly maxRunning: number) {}

  /**
   * Starts the command unless the same canary+cmd is running. Synchronous up to the spawn, so two
   * webhooks arriving together cannot both start it.
   */
  start(
    canary: string,
    cmd: string,
    req: Omit<RunRequest, 'signal' | 'onSpawn'>,
    onEnd: (result: RunResult) => void,
  ): 'started' | 'already-running' | 'full' | 'closed' {
    if (this.closed) return 'closed';
    const key = JSON.stringify([canary, cmd]);
    if (this.running.has(key)) return 'already-running';
    if (this.running.size >= this.maxRunning) return 'full';

    const abort = new AbortController();
    const info: BackgroundTaskInfo = { canary, cmd, pid: undefined, startedAt: new Date().toISOString() };
    const done = runCommand({
      ...req,
      signal: abort.signal,
      onSpawn: (pid) => (info.pid = pid),
    });
    this.running.set(key, { info, abort, done });
    void done.then((result) => {
      this.running.delete(key);
      onEnd(result);
    });
    return 'started';
  }

  list(): BackgroundTaskInfo[] {
    return [...this.running.values()].map((task) => ({ ...task.info }));
  }

  /** Kills every running command (process groups included) and waits until they are gone. */
  async stopAll(): Promise<void> {
    this.closed = true;
    const tasks = [...this.running.values()];
    for (const task of tasks) task.abort.abort();
    await Promise.all(tasks.map((task) => task.done));
  }
}
