/** Runs the `aviary` command (bin/aviary.js, as a user does) and collects its exit code and output. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const AVIARY = fileURLToPath(new URL('../../bin/aviary.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  readonly done: Promise<CliResult>;
  kill(): void;
  /** Output so far. */
  readonly stdout: () => string;
}

export function startCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; command?: string } = {},
): RunningCli {
  const child = spawn(options.command ?? process.execPath, options.command ? args : [AVIARY, ...args], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const done = new Promise<CliResult>((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  return { done, stdout: () => stdout, kill: () => child.kill('SIGKILL') };
}

export const runCli = (args: string[], options: Parameters<typeof startCli>[1] = {}) =>
  startCli(args, options).done;

/** Polls `read` until `until` holds, failing with the last value after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  until: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (until(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
