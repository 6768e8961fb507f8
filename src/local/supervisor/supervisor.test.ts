import net from 'node:net';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../testing/free-port.js';
import { versionCommand } from '../testing/version-script.js';
import { Supervisor } from './supervisor.js';

/** Alive and not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const supervisors: Supervisor[] = [];
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stopAll()));
});

function supervisor(graceMs = 2000): Supervisor {
  const s = new Supervisor({ graceMs });
  supervisors.push(s);
  return s;
}

describe('Supervisor', () => {
  it('starts a version from argv, waits for its probe and stops it with nothing left behind', async () => {
    const port = await freePort();
    // The version spawns a grandchild and prints its pid: stopping must reach it too.
    const script = `
      const { spawn } = require('node:child_process');
      const child = spawn('sleep', ['60'], { stdio: 'ignore' });
      console.log('grandchild ' + child.pid);
      require('node:http').createServer((q, s) => s.end(process.env.GREETING)).listen(Number(process.env.PORT));`;
    const s = supervisor();
    const proc = await s.start({
      name: 'app-primary',
      command: [process.execPath, '-e', script],
      env: { GREETING: 'hello' },
      port,
      readinessPath: '/',
    });
    expect(await proc.waitReady(5000)).toEqual({ ready: true });
    expect(await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())).toBe('hello');
    const grandchild = Number(/grandchild (\d+)/.exec(proc.stdoutTail().join('\n'))?.[1]);
    expect(alive(proc.pid!)).toBe(true);
    expect(alive(grandchild)).toBe(true);

    const stopping = Date.now();
    await s.stop('app-primary');
    expect(Date.now() - stopping).toBeLessThan(1500);
    expect(alive(proc.pid!)).toBe(false);
    expect(alive(grandchild)).toBe(false);
  });

  it('reports a crashed version as not ready, with its exit code and last stderr lines, and does not restart it', async () => {
    const port = await freePort();
    const s = supervisor();
    const proc = await s.start({
      name: 'app-canary',
      command: [
        process.execPath,
        '-e',
        "console.error('loading config'); console.error('boom: DATABASE_URL is not set'); process.exit(3)",
      ],
      port,
    });
    const readiness = await proc.waitReady(5000);
    expect(readiness).toMatchObject({ ready: false, retriable: false });
    expect(readiness.ready === false && readiness.reason).toMatch(/^app-canary exited with code 3 /);
    expect(readiness.ready === false && readiness.reason).toMatch(/boom: DATABASE_URL is not set/);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.get('app-canary')?.running).toBe(false);
  });

  it('reports a command that cannot be started', async () => {
    const s = supervisor();
    const proc = await s.start({
      name: 'app-canary',
      command: ['/nonexistent/binary'],
      port: await freePort(),
    });
    const readiness = await proc.waitReady(2000);
    expect(readiness.ready === false && readiness.reason).toMatch(/could not start app-canary .*ENOENT/);
  });

  it('kills a version that ignores SIGTERM after the grace period', async () => {
    const port = await freePort();
    const s = supervisor(300);
    const proc = await s.start({
      name: 'stubborn',
      command: [
        process.execPath,
        '-e',
        "process.on('SIGTERM', () => {}); require('node:http').createServer((q, r) => r.end('ok')).listen(Number(process.env.PORT));",
      ],
      port,
    });
    expect((await proc.waitReady(5000)).ready).toBe(true);
    const started = Date.now();
    await s.stopAll();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(alive(proc.pid!)).toBe(false);
    expect(proc.exit?.signal).toBe('SIGKILL');
  });

  it('refuses to start on a port another program holds', async () => {
    const s = supervisor();
    const port = await freePort();
    const first = await s.start({ name: 'a', command: versionCommand(), port });
    expect((await first.waitReady(5000)).ready).toBe(true);
    // The message names the holder, so the user knows what to stop.
    await expect(s.start({ name: 'b', command: versionCommand(), port })).rejects.toThrow(
      new RegExp(`port ${port} is already in use by another program \\(pid ${first.pid}: .*node`),
    );
  });

  it('starts on a port whose holder lets go of it a moment later (a version just stopped)', async () => {
    const s = supervisor();
    const port = await freePort();
    // A stopped process's listener can outlive what /proc says of it by some milliseconds.
    const leaving = net.createServer();
    await new Promise<void>((resolve) => leaving.listen(port, '127.0.0.1', resolve));
    setTimeout(() => leaving.close(), 300);
    const proc = await s.start({ name: 'a', command: versionCommand(), port });
    expect((await proc.waitReady(5000)).ready).toBe(true);
  });

  it('reports a version that never becomes ready within its timeout', async () => {
    const s = supervisor();
    const proc = await s.start({ name: 'sleepy', command: ['sleep', '30'], port: await freePort() });
    const readiness = await proc.waitReady(400);
    expect(readiness).toMatchObject({ ready: false, retriable: false });
    expect(readiness.ready === false && readiness.reason).toMatch(
      /^sleepy not ready after 0\.\d s: .*ECONNREFUSED \(nothing listens on port \d+, the process runs as pid \d+/,
    );
  });
});
