/** Shared pieces of the local-release tests: a fast Canary on the test version server, load, ports, the CLI. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Canary, CanaryAnalysis } from '../../src/api/types.js';
import { freePort } from '../../src/local/testing/free-port.js';
import { localCanary } from '../../src/local/testing/local-canary.js';
import type { LocalManifests } from '../../src/local/run/manifests.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const AVIARY_BIN = join(REPO, 'bin/aviary.js');

/** A Canary analysed every second on the router's success rate; canary env overrides (e.g. FAIL_PERCENT). */
export async function fastCanary(
  canaryEnv: Record<string, string> = { VERSION: 'v2' },
  analysis: Partial<CanaryAnalysis> = {},
): Promise<Canary> {
  const canary = localCanary(await freePort(), await freePort(), { env: canaryEnv });
  canary.spec.analysis = {
    interval: '1s',
    threshold: 2,
    maxWeight: 30,
    stepWeight: 10,
    metrics: [{ name: 'request-success-rate', interval: '3s', thresholdRange: { min: 99 }, minSamples: 5 }],
    ...analysis,
  };
  return canary;
}

export function manifestsOf(canary: Canary, extra: Partial<LocalManifests> = {}): LocalManifests {
  return { canary, alertProviders: [], metricTemplates: [], secrets: new Map(), ...extra };
}

export function stateDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'aviary-local-test-'));
}

/** True when nothing accepts connections on 127.0.0.1:port. */
export function portClosed(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(true));
  });
}

/** A live process (a zombie waiting for an init that does not reap is dead for this purpose). */
export function pidAlive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `aviary <args>` as a child process, the way a user runs it (`env` is added to this process's). */
export function aviary(args: string[], cwd = REPO, env: Record<string, string> = {}): CliRun {
  const child = spawn(process.execPath, [AVIARY_BIN, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}
