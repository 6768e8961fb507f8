/** `aviary dashboard` as a user starts it: the real bin, a local state dir, a free port, Ctrl-C. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Canary } from '../../src/api/types.js';
import { main } from '../../src/cli/main.js';
import { FileStatusStore } from '../../src/local/run/state-file.js';
import { getJson } from './support.js';

describe('aviary dashboard', () => {
  it('serves the local runs of --state-dir and stops on SIGINT', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aviary-dashboard-cli-'));
    await new FileStatusStore(join(dir, 'sample.status.json')).write({} as Canary, {
      phase: 'Progressing',
      canaryWeight: 20,
    });
    const child = spawn(process.execPath, ['bin/aviary.js', 'dashboard', '--state-dir', dir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed within 20 s: ${output}`)), 20_000);
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        };
        child.stdout.on('data', read);
        child.stderr.on('data', read);
      });
      expect(output).toContain(`local state directory ${dir}`);
      const { status, body } = await getJson(`${url}api/canaries`);
      expect(status).toBe(200);
      expect(body.canaries).toEqual([
        { name: 'sample', phase: 'Progressing', canaryWeight: 20, lastChecks: [], events: [] },
      ]);
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a port that is not a number', async () => {
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (
      stderr.push(String(chunk)),
      true
    )) as typeof process.stderr.write;
    try {
      expect(await main(['node', 'aviary', 'dashboard', '--port', 'eighty'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(stderr.join('')).toContain('--port: "eighty" is not a port number');
  });

  it('refuses --allow-actions without a token, or with a short one', async () => {
    const run = async (args: string[], env: Record<string, string | undefined> = {}) => {
      const stderr: string[] = [];
      const write = process.stderr.write.bind(process.stderr);
      const saved = process.env.AVIARY_DASHBOARD_TOKEN;
      process.stderr.write = ((chunk: string) => (
        stderr.push(String(chunk)),
        true
      )) as typeof process.stderr.write;
      if ('AVIARY_DASHBOARD_TOKEN' in env) process.env.AVIARY_DASHBOARD_TOKEN = env.AVIARY_DASHBOARD_TOKEN;
      else delete process.env.AVIARY_DASHBOARD_TOKEN;
      try {
        return {
          code: await main(['node', 'aviary', 'dashboard', '--state-dir', '.', '--port', '0', ...args]),
          stderr: stderr.join(''),
        };
      } finally {
        process.stderr.write = write;
        if (saved === undefined) delete process.env.AVIARY_DASHBOARD_TOKEN;
        else process.env.AVIARY_DASHBOARD_TOKEN = saved;
      }
    };
    const none = await run(['--allow-actions']);
    expect(none).toEqual({
      code: 2,
      stderr: expect.stringContaining('--allow-actions needs a token') as string,
    });
    const short = await run(['--allow-actions'], { AVIARY_DASHBOARD_TOKEN: 'secret' });
    expect(short).toEqual({
      code: 2,
      stderr: expect.stringContaining('the action token is 6 characters; use at least 16') as string,
    });
    const stray = await run(['--token-file', '/nonexistent']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--token-file is for --allow-actions');
  });
});
