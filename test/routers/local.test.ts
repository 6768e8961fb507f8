/**
 * The local router (Aviary's own proxy on this machine, as the local runtime builds it) against what the
 * registry declares of it: the route table it holds is read back from the running proxy, and each declared capability
 * (A/B match, mirror, session affinity) is applied, not dropped. The Kubernetes contract's object checks
 * (owners, RBAC, admission) have no counterpart here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Canary, CanaryAnalysis } from '../../src/api/types.js';
import type { Routes, TrafficRouter } from '../../src/engine/ports.js';
import { LocalTrafficRouter } from '../../src/local/adapters/local-router.js';
import { LocalRuntime } from '../../src/local/runtime.js';
import { freePort } from '../../src/local/testing/free-port.js';
import { localCanary } from '../../src/local/testing/local-canary.js';
import { routerEntry, type LocalRouterEntry } from '../../src/routers/index.js';

function localEntry(): LocalRouterEntry {
  const entry = routerEntry('local');
  if (entry?.runtime !== 'local') throw new Error('src/routers/index.ts has no local router');
  return entry;
}
const entry = localEntry();
const { capabilities } = entry;
const split = (primaryWeight: number, canaryWeight: number, mirrored = false): Routes => ({
  primaryWeight,
  canaryWeight,
  mirrored,
});

let runtime: LocalRuntime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

async function world(
  analysis: Partial<CanaryAnalysis> = {},
): Promise<{ router: TrafficRouter; canary: Canary }> {
  runtime = new LocalRuntime();
  const base = localCanary(await freePort(), await freePort());
  const canary = { ...base, spec: { ...base.spec, analysis: { ...base.spec.analysis, ...analysis } } };
  return { router: new LocalTrafficRouter(runtime), canary };
}

describe('router contract: local', () => {
  it('starts with all traffic on the primary; a split is read back from the proxy and kept by a reconcile', async () => {
    const { router, canary } = await world();
    await router.reconcile(canary);
    expect(await router.getRoutes(canary)).toEqual(split(100, 0));
    await router.setRoutes(canary, split(90, 10));
    await router.reconcile(canary);
    expect(await router.getRoutes(canary)).toEqual(split(90, 10));
    expect(runtime?.proxy?.getRoutes()).toMatchObject(split(90, 10));
  });

  it('moves all traffic to the canary and back; finalize leaves it on the primary', async () => {
    const { router, canary } = await world();
    await router.reconcile(canary);
    await router.setRoutes(canary, split(0, 100));
    expect(await router.getRoutes(canary)).toEqual(split(0, 100));
    await router.setRoutes(canary, split(70, 30));
    await router.finalize(canary);
    expect(await router.getRoutes(canary)).toEqual(split(100, 0));
  });

  it('declares weights, A/B match, mirror and session affinity, and applies each', async () => {
    expect(capabilities).toMatchObject({ weights: true, match: true, mirror: true, sessionAffinity: true });
    const match = [{ headers: { 'x-canary': { exact: 'insider' } } }];
    const ab = await world({ iterations: 5, match });
    await ab.router.reconcile(ab.canary);
    await ab.router.setRoutes(ab.canary, split(0, 100));
    expect(runtime?.proxy?.getRoutes().match).toEqual(match);
    await runtime?.close();

    const mirror = await world({ iterations: 5, mirror: true });
    await mirror.router.reconcile(mirror.canary);
    await mirror.router.setRoutes(mirror.canary, split(100, 0, true));
    expect(await mirror.router.getRoutes(mirror.canary)).toEqual(split(100, 0, true));
    await runtime?.close();

    const sticky = await world({ sessionAffinity: { cookieName: 'canary-session', maxAge: 3600 } });
    await sticky.router.reconcile(sticky.canary);
    await sticky.router.setRoutes(sticky.canary, split(90, 10), { canaryCookie: 'canary-session=c0ffee' });
    expect(runtime?.proxy?.getRoutes().affinity).toMatchObject({
      cookieName: 'canary-session',
      canaryValue: 'c0ffee',
    });
  });
});
