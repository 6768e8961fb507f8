/**
 * LocalRelease over real processes: the version server as stable and canary, Aviary's router in front,
 * a steady load through the router, 1 s analysis ticks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CanaryStatus } from '../../src/api/types.js';
import { startLoad, type LoadGenerator } from '../../src/demo/load-generator.js';
import { LocalRelease } from '../../src/local/run/local-release.js';
import { fastCanary, manifestsOf, portClosed, stateDir, until } from './support.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Sends a steady load through the release's router from the moment it listens until the test ends. */
function loadWhenRouted(release: LocalRelease, requestsPerSecond: number): void {
  let load: LoadGenerator | undefined;
  const poll = setInterval(() => {
    if (load || !release.routerPort) return;
    load = startLoad(`http://127.0.0.1:${release.routerPort}/`, requestsPerSecond);
  }, 20);
  cleanup.push(async () => {
    clearInterval(poll);
    await load?.stop();
  });
}

function newRelease(
  canary: Awaited<ReturnType<typeof fastCanary>>,
  dir: string,
  onStatus?: (s: CanaryStatus) => void,
  requestsPerSecond = 150,
) {
  const release = new LocalRelease({
    manifests: manifestsOf(canary),
    stateDir: dir,
    ...(onStatus ? { onStatus } : {}),
  });
  cleanup.push(() => release.close());
  loadWhenRouted(release, requestsPerSecond);
  return release;
}

async function versionAt(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/`)).text();
}

describe('aviary run: a local release', () => {
  it('promotes a healthy canary: the primary then runs the new version', async () => {
    const canary = await fastCanary();
    const weights: number[] = [];
    const release = newRelease(canary, await stateDir(), (s) => {
      if (s.phase === 'Progressing' && s.canaryWeight && weights.at(-1) !== s.canaryWeight)
        weights.push(s.canaryWeight);
    });

    const outcome = await release.run();

    expect(outcome.phase).toBe('Succeeded');
    expect(weights).toEqual([10, 20, 30]);
    expect(outcome.status.canaryWeight).toBe(0);
    const port = release.routerPort!;
    const answers = await Promise.all(Array.from({ length: 20 }, () => versionAt(port)));
    expect(new Set(answers)).toEqual(new Set(['v2']));
    // The canary process is scaled down; the primary (on the stable port) serves v2.
    expect(await portClosed(canary.spec.local!.canary.port)).toBe(true);
    expect(await versionAt(canary.spec.local!.stable.port)).toBe('v2');
  });

  it('too little traffic for the judge: the weight holds, then the release stops for insufficient traffic, no check failed', async () => {
    const canary = await fastCanary(
      { VERSION: 'v2' },
      {
        maxInconclusive: 4,
        metrics: [{ name: 'request-success-rate', compareWithPrimary: { maxIncrease: 1 } }],
      },
    );
    const weights = new Set<number>();
    const release = newRelease(
      canary,
      await stateDir(),
      (s) => {
        if (s.phase === 'Progressing') weights.add(s.canaryWeight ?? 0);
      },
      5, // 0.5 req/s to the canary at 10%: far from the judge's 100 requests
    );

    const outcome = await release.run();

    expect(outcome.phase).toBe('Failed');
    expect(outcome.status.failedChecks ?? 0).toBe(0);
    expect(outcome.status.failureReason).toMatch(
      /^insufficient traffic: no decision after 4 intervals \(4s\): not enough traffic: \d+ requests in \d+s, need 100 — add a load-test webhook or lower minSamples; send the canary more traffic/,
    );
    expect([...weights].sort()).toEqual([0, 10]);
  });

  it('rolls back a failing canary: weight 0, phase Failed, with the failed check as the reason', async () => {
    const canary = await fastCanary({ VERSION: 'v2', FAIL_PERCENT: '30' });
    const release = newRelease(canary, await stateDir());

    const outcome = await release.run();

    expect(outcome.phase).toBe('Failed');
    expect(outcome.status.canaryWeight).toBe(0);
    expect(outcome.status.failureReason).toMatch(
      /failed checks threshold reached 2: request-success-rate [\d.]+ < 99/,
    );
    const answers = await Promise.all(Array.from({ length: 20 }, () => versionAt(release.routerPort!)));
    expect(new Set(answers)).toEqual(new Set(['v1']));
    expect(await portClosed(canary.spec.local!.canary.port)).toBe(true);
  });

  it('resumes a release stopped mid-analysis from its state file and promotes', async () => {
    const canary = await fastCanary();
    const dir = await stateDir();
    let stopAt: (() => void) | undefined;
    const reachedTwenty = new Promise<void>((resolve) => (stopAt = resolve));
    const first = newRelease(canary, dir, (s) => {
      if (s.phase === 'Progressing' && s.canaryWeight === 20) stopAt?.();
    });
    const firstRun = first.run().catch((err: unknown) => err);
    await reachedTwenty;
    await first.close();
    expect(String(await firstRun)).toMatch(/stopped/);
    await until('the stopped versions to release their ports', async () => {
      const local = canary.spec.local!;
      return (await portClosed(local.stable.port)) && (await portClosed(local.canary.port));
    });

    const weights: number[] = [];
    const second = newRelease(canary, dir, (s) => {
      if (s.phase === 'Progressing' && weights.at(-1) !== s.canaryWeight) weights.push(s.canaryWeight ?? 0);
    });
    const outcome = await second.run();

    expect(outcome.phase).toBe('Succeeded');
    // Carried on from the recorded step, not from the start, and the rebuilt router was given traffic
    // before the next check (no "no data" failed check caused by the restart).
    expect(weights[0]).toBeGreaterThanOrEqual(20);
    expect(outcome.status.failedChecks).toBe(0);
    expect(await versionAt(second.routerPort!)).toBe('v2');
  });

  it('refuses a canary identical to the stable version: nothing to release', async () => {
    const canary = await fastCanary({ VERSION: 'v1' });
    const release = newRelease(canary, await stateDir());
    await expect(release.run()).rejects.toThrow(/nothing to release/);
  });
});
