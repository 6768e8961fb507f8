import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processStartTime, PROCESS_TOKEN_ENV } from '../supervisor/index.js';
import { ProcessRecordFile } from './orphans.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** A process in its own group, as the supervisor starts versions; `env` is added to its environment. */
function version(env: Record<string, string> = {}): ChildProcess {
  const child = spawn('sleep', ['60'], { detached: true, stdio: 'ignore', env: { ...process.env, ...env } });
  children.push(child);
  return child;
}

const alive = (pid: number) => processStartTime(pid) !== undefined;

async function recordFile(records: unknown[]): Promise<ProcessRecordFile> {
  const path = join(await mkdtemp(join(tmpdir(), 'aviary-orphans-')), 'app.processes.json');
  await writeFile(path, JSON.stringify(records));
  return new ProcessRecordFile(path);
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

describe('ProcessRecordFile.reap', () => {
  it('finds a version by its token when the run died before writing its pid', async () => {
    const token = 'f00dfeed';
    const orphan = version({ [PROCESS_TOKEN_ENV]: token });
    // The token must be in its environment: wait for the exec.
    await until(() => readFileSafe(`/proc/${orphan.pid}/environ`).includes(token));
    const file = await recordFile([{ name: 'app-canary', token, argv: ['sleep', '60'], port: 1 }]);

    const notes = await file.reap(500);

    expect(notes).toEqual([`stopped app-canary (pid ${orphan.pid}) left running by a previous aviary run`]);
    await until(() => !alive(orphan.pid!));
    expect(alive(orphan.pid!)).toBe(false);
    await expect(readFile(file.path, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('stops a recorded pid only while its start time matches (a reused pid is left alone)', async () => {
    const ours = version();
    const stranger = version();
    await until(() => alive(ours.pid!) && alive(stranger.pid!));
    const file = await recordFile([
      { name: 'app-primary', token: 'a', argv: [], pid: ours.pid, startTime: processStartTime(ours.pid!) },
      { name: 'app-canary', token: 'b', argv: [], pid: stranger.pid, startTime: '1' },
    ]);

    const notes = await file.reap(500);

    expect(notes).toEqual([`stopped app-primary (pid ${ours.pid}) left running by a previous aviary run`]);
    await until(() => !alive(ours.pid!));
    expect(alive(ours.pid!)).toBe(false);
    expect(alive(stranger.pid!)).toBe(true);
  });

  it('refuses to take over from an aviary run that is still running', async () => {
    const otherRun = version();
    const recorded = version();
    await until(() => alive(otherRun.pid!) && alive(recorded.pid!));
    const owner = { pid: otherRun.pid, startTime: processStartTime(otherRun.pid!) };
    const file = await recordFile([
      {
        name: 'app-primary',
        token: 'c',
        argv: [],
        pid: recorded.pid,
        startTime: processStartTime(recorded.pid!),
        owner,
      },
    ]);

    await expect(file.reap(500)).rejects.toThrow(
      new RegExp(`another aviary run \\(pid ${otherRun.pid}\\) is running this canary`),
    );
    expect(alive(recorded.pid!)).toBe(true);
  });
});

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
