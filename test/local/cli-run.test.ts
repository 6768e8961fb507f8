/**
 * `aviary run` as a user runs it: a child process reading a YAML file, with plain (--ci) output, exit
 * codes, Ctrl-C, and a SIGKILL followed by a second run that resumes from the state dir.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Canary } from '../../src/api/types.js';
import { aviary, fastCanary, pidAlive, portClosed, stateDir, until, type CliRun } from './support.js';

const running: CliRun[] = [];
afterEach(() => {
  for (const run of running.splice(0)) run.child.kill('SIGKILL');
});

/** A canary without metrics: it steps every second, no traffic needed; 10..50% then promotion. */
async function steppingCanary(): Promise<Canary> {
  return fastCanary({ VERSION: 'v2' }, { maxWeight: 50, stepWeight: 10, metrics: [] });
}

async function canaryFile(dir: string, docs: unknown[]): Promise<string> {
  const file = join(dir, 'canary.yaml');
  await writeFile(file, docs.map((d) => stringify(d)).join('---\n'));
  return file;
}

function run(args: string[]): CliRun {
  const r = aviary(['run', '--ci', ...args]);
  running.push(r);
  return r;
}

const atWeight = (r: CliRun, weight: number) => () =>
  new RegExp(`Progressing\\s+canary \\[[#.]+\\]\\s+${weight}%`).test(r.stdout());

interface Recorded {
  name: string;
  pid: number;
}
async function recordedProcesses(dir: string): Promise<Recorded[]> {
  return JSON.parse(await readFile(join(dir, 'app.processes.json'), 'utf8')) as Recorded[];
}

describe('aviary run (CLI)', () => {
  it('Ctrl-C mid-analysis: exits 130 and no version process survives', async () => {
    const dir = await stateDir();
    const canary = await steppingCanary();
    const r = run(['-f', await canaryFile(dir, [canary]), '--state-dir', dir]);
    await until('the canary at 10%', atWeight(r, 10));
    const pids = (await recordedProcesses(dir)).map((p) => p.pid);
    expect(pids).toHaveLength(2);

    r.child.kill('SIGINT');
    const exit = await r.exit;

    expect(exit.code).toBe(130);
    expect(r.stdout()).toMatch(/interrupted: routing all traffic to the stable version/);
    expect(pids.filter(pidAlive)).toEqual([]);
    expect(await portClosed(canary.spec.local!.stable.port)).toBe(true);
    expect(await portClosed(canary.spec.local!.canary.port)).toBe(true);
  });

  it("SIGTERM mid-analysis: exits 143 (not 130, which is SIGINT's) and no version process survives", async () => {
    const dir = await stateDir();
    const canary = await steppingCanary();
    const r = run(['-f', await canaryFile(dir, [canary]), '--state-dir', dir]);
    await until('the canary at 10%', atWeight(r, 10));
    const pids = (await recordedProcesses(dir)).map((p) => p.pid);
    expect(pids).toHaveLength(2);

    r.child.kill('SIGTERM');
    const exit = await r.exit;

    expect(exit.code).toBe(143);
    expect(r.stdout()).toMatch(/SIGTERM received: routing all traffic to the stable version/);
    expect(pids.filter(pidAlive)).toEqual([]);
    expect(await portClosed(canary.spec.local!.stable.port)).toBe(true);
    expect(await portClosed(canary.spec.local!.canary.port)).toBe(true);
  });

  it('SIGKILL mid-analysis: the next run stops the orphaned versions, resumes and promotes (exit 0)', async () => {
    const dir = await stateDir();
    const canary = await steppingCanary();
    const file = await canaryFile(dir, [canary]);
    const first = run(['-f', file, '--state-dir', dir]);
    await until('the canary at 20%', atWeight(first, 20));
    const orphans = await recordedProcesses(dir);
    first.child.kill('SIGKILL');
    await first.exit;
    // Nothing could stop them: their own process groups outlive a SIGKILLed aviary.
    expect(orphans.map((p) => p.pid).filter(pidAlive)).toHaveLength(2);

    const second = run(['-f', file, '--state-dir', dir]);
    const exit = await second.exit;

    expect(exit.code, second.stderr()).toBe(0);
    const out = second.stdout();
    expect(out).toMatch(/stopped app-canary \(pid \d+\) left running by a previous aviary run/);
    expect(out).toMatch(/resuming app: router holds canary 20%/);
    expect(out).not.toMatch(/Progressing\s+canary \[[#.]+\]\s+10%/); // carried on, not restarted
    expect(out).toMatch(/app promoted/);
    expect(orphans.map((p) => p.pid).filter(pidAlive)).toEqual([]);
    expect(await portClosed(canary.spec.local!.canary.port)).toBe(true);
  });

  it('a Canary without spec.local: names the field, exit 1', async () => {
    const dir = await stateDir();
    const canary = await steppingCanary();
    delete canary.spec.local;
    const r = run(['-f', await canaryFile(dir, [canary]), '--state-dir', dir]);
    const exit = await r.exit;
    expect(exit.code).toBe(1);
    expect(r.stderr()).toMatch(/Canary\/app spec\.local: is required with provider: local — add spec\.local/);
  });

  it('an invalid field: its path and the fix, exit 1', async () => {
    const dir = await stateDir();
    const canary = await steppingCanary();
    canary.spec.analysis.stepWeight = 80;
    const r = run(['-f', await canaryFile(dir, [canary]), '--state-dir', dir]);
    expect((await r.exit).code).toBe(1);
    expect(r.stderr()).toMatch(/spec\.analysis\.stepWeight/);
  });

  it('canary identical to stable: "nothing to release", exit 1, nothing left running', async () => {
    const dir = await stateDir();
    const canary = await steppingCanary();
    canary.spec.local!.canary.env = { VERSION: 'v1' };
    const r = run(['-f', await canaryFile(dir, [canary]), '--state-dir', dir]);
    expect((await r.exit).code).toBe(1);
    expect(r.stderr()).toMatch(/nothing to release/);
    expect(await portClosed(canary.spec.local!.stable.port)).toBe(true);
  });
});
