/**
 * A canary that dies, exits or never listens, with real processes behind Aviary's router: clients must
 * not pay for it, and the release must end at once with the reason (not wait for a tick or the progress
 * deadline).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Canary, CanaryStatus } from '../../src/api/types.js';
import { startLoad, type LoadGenerator } from '../../src/demo/load-generator.js';
import { WeightedProxy } from '../../src/local/router/index.js';
import { Supervisor } from '../../src/local/supervisor/index.js';
import { freePort } from '../../src/local/testing/free-port.js';
import { versionCommand } from '../../src/local/testing/version-script.js';
import { LocalRelease } from '../../src/local/run/local-release.js';
import { fastCanary, manifestsOf, pidAlive, portClosed, stateDir, until } from './support.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function newRelease(canary: Canary, dir: string, onStatus?: (s: CanaryStatus) => void): LocalRelease {
  const release = new LocalRelease({
    manifests: manifestsOf(canary),
    stateDir: dir,
    ...(onStatus ? { onStatus } : {}),
  });
  cleanup.push(() => release.close());
  return release;
}

describe('a canary that dies', () => {
  it('the router alone, nothing rolling back: a canary killed under load at 50% costs no client request', async () => {
    const supervisor = new Supervisor({ graceMs: 1000 });
    cleanup.push(() => supervisor.stopAll());
    const ports = { primary: await freePort(), canary: await freePort() };
    for (const [name, port, version] of [
      ['app-primary', ports.primary, 'v1'],
      ['app-canary', ports.canary, 'v2'],
    ] as const) {
      const proc = await supervisor.start({
        name,
        command: versionCommand(),
        env: { VERSION: version },
        port,
      });
      expect((await proc.waitReady(10_000)).ready).toBe(true);
    }
    const proxy = new WeightedProxy({
      primary: { name: 'app-primary', host: '127.0.0.1', port: ports.primary },
      canary: { name: 'app-canary', host: '127.0.0.1', port: ports.canary },
    });
    cleanup.push(() => proxy.close());
    proxy.setRoutes({ primaryWeight: 50, canaryWeight: 50, mirrored: false });
    const load = startLoad(`http://127.0.0.1:${await proxy.listen(0)}/`, 200);
    cleanup.push(() => load.stop());
    await until('traffic on both versions', () => load.sent > 200);

    const sentAtKill = load.sent;
    process.kill(-supervisor.get('app-canary')!.pid!, 'SIGKILL');
    await until('more traffic after the kill', () => load.sent > sentAtKill + 400);
    await load.stop();

    expect(proxy.upstreamHealth('canary')).toMatchObject({ down: true, reason: 'ECONNREFUSED' });
    expect(load.failed).toBe(0);
  }, 60_000);

  it('killed under load mid-analysis: no client error, rolled back at once with "killed by SIGKILL"', async () => {
    const canary = await fastCanary({ VERSION: 'v2' }, { maxWeight: 50, stepWeight: 10, threshold: 5 });
    let latest: CanaryStatus = {};
    const release = newRelease(canary, await stateDir(), (s) => (latest = s));
    const outcome = release.run();
    await until('the router', () => release.routerPort !== undefined);
    const load: LoadGenerator = startLoad(`http://127.0.0.1:${release.routerPort}/`, 150);
    cleanup.push(() => load.stop());

    await until('the canary at 20%', () => latest.phase === 'Progressing' && latest.canaryWeight === 20);
    // From here on ticks are a minute apart: only the canary's exit can end the release within the deadline.
    const weight = latest.canaryWeight!;
    const analysis = { ...canary.spec.analysis, interval: '1m' };
    release.updateCanary({ ...canary, spec: { ...canary.spec, analysis } });
    await until('a tick on the one-minute interval', () => latest.canaryWeight! > weight);
    const canaryProcess = release.local.runtime.supervisor.get('app-canary')!;
    const failedBefore = load.failed;
    const sentBefore = load.sent;
    process.kill(-canaryProcess.pid!, 'SIGKILL');

    await until('the rollback', () => latest.phase === 'Failed', 15_000);
    const result = await outcome;
    // Keep the load on a moment after the rollback: the primary alone must serve it all.
    const sentAtRollback = load.sent;
    await until('more requests after the rollback', () => load.sent > sentAtRollback + 100);

    expect(result.phase).toBe('Failed');
    expect(result.status.canaryWeight).toBe(0);
    expect(result.status.failureReason).toMatch(/app-canary was killed by SIGKILL/);
    expect(load.sent - sentBefore).toBeGreaterThan(100);
    expect(load.failed - failedBefore).toBe(0);
    expect(pidAlive(canaryProcess.pid!)).toBe(false);
    expect(await portClosed(canary.spec.local!.canary.port)).toBe(true);
  }, 60_000);

  it('exits with code 3 on start: the reason says so, with its last stderr line', async () => {
    const canary = await fastCanary();
    canary.spec.local!.canary = {
      ...canary.spec.local!.canary,
      command: [process.execPath, '-e', "console.error('boom: DATABASE_URL is not set'); process.exit(3)"],
    };
    const outcome = await newRelease(canary, await stateDir()).run();

    expect(outcome.phase).toBe('Failed');
    expect(outcome.status.failureReason).toMatch(/app-canary exited with code 3/);
    expect(outcome.status.failureReason).toMatch(/boom: DATABASE_URL is not set/);
    expect(outcome.status.failureReason).not.toMatch(/progress deadline/);
  }, 30_000);

  it('runs but never listens: "not ready after N s", naming the port nothing listens on', async () => {
    const canary = await fastCanary();
    const port = canary.spec.local!.canary.port;
    canary.spec.local!.readinessTimeout = '2s';
    canary.spec.local!.canary = {
      ...canary.spec.local!.canary,
      command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'],
    };
    const outcome = await newRelease(canary, await stateDir()).run();

    expect(outcome.phase).toBe('Failed');
    expect(outcome.status.failureReason).toMatch(/app-canary not ready after [23]\.\d s/);
    expect(outcome.status.failureReason).toMatch(new RegExp(`nothing listens on port ${port}`));
    expect(outcome.status.failureReason).not.toMatch(/progress deadline/);
  }, 30_000);
});
