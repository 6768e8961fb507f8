import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalPorts, type LocalPorts } from './engine-ports.js';
import { freePort } from './testing/free-port.js';
import { localCanary } from './testing/local-canary.js';

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    return !/^\S+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

let ports: LocalPorts | undefined;
afterEach(async () => {
  await ports?.close();
  ports = undefined;
});

async function get(
  port: number,
  cookie?: string,
): Promise<{ status: number; body: string; setCookie: string[] }> {
  const res = await fetch(`http://127.0.0.1:${port}/`, cookie ? { headers: { cookie } } : {});
  return { status: res.status, body: await res.text(), setCookie: res.headers.getSetCookie() };
}

async function bodies(port: number, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await get(port)).body);
  return out;
}

describe('local ports: a whole release on processes', () => {
  it('initializes, splits traffic, measures the canary, promotes without dropping requests and scales down', async () => {
    ports = createLocalPorts({ graceMs: 1000 });
    const { router, target, metrics, runtime } = ports;
    const canary = localCanary(await freePort(), await freePort());

    expect(await target.initialize(canary)).toEqual({ ready: true });
    await router.reconcile(canary);
    const port = runtime.routerPort!;
    expect(await router.getRoutes(canary)).toEqual({ primaryWeight: 100, canaryWeight: 0, mirrored: false });
    expect(await bodies(port, 5)).toEqual(Array(5).fill('v1'));

    const revision = await target.revision(canary);
    expect(revision.spec).toMatch(/^[0-9a-f]{16}$/);
    const edited = structuredClone(canary);
    edited.spec.local!.canary.env = { VERSION: 'v3' };
    expect((await target.revision(edited)).spec).not.toBe(revision.spec);

    await target.scaleCanaryUp(canary);
    expect(await target.canaryReadiness(canary)).toEqual({ ready: true });
    await router.setRoutes(canary, { primaryWeight: 90, canaryWeight: 10, mirrored: false });
    expect(await router.getRoutes(canary)).toEqual({ primaryWeight: 90, canaryWeight: 10, mirrored: false });
    const split = await bodies(port, 100);
    expect(split.filter((b) => b === 'v2')).toHaveLength(10);

    const query = { canary, intervalMs: 60_000 };
    expect(await metrics.read({ ...query, metric: { name: 'request-success-rate' } })).toEqual({
      kind: 'value',
      value: 100,
      samples: 10,
    });
    expect(await metrics.read({ ...query, metric: { name: 'request-duration' } })).toMatchObject({
      kind: 'value',
    });

    // Promotion under continuous traffic: the primary's share is bridged to the canary while the
    // primary process is replaced, so no request fails.
    const oldPrimaryPid = runtime.supervisor.get('app-primary')!.pid;
    let load = true;
    const statuses: number[] = [];
    const loader = (async () => {
      while (load) statuses.push((await get(port)).status);
    })();
    await target.promote(canary);
    load = false;
    await loader;
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(alive(oldPrimaryPid)).toBe(false);
    expect(await target.primaryReadiness(canary)).toEqual({ ready: true });

    await router.setRoutes(canary, { primaryWeight: 100, canaryWeight: 0, mirrored: false });
    const canaryPid = runtime.supervisor.get('app-canary')!.pid;
    await target.scaleCanaryToZero(canary);
    expect(alive(canaryPid)).toBe(false);
    expect(await target.canaryReadiness(canary)).toMatchObject({ ready: false, retriable: true });
    // The primary now runs the canary's definition on the stable port.
    expect(await bodies(port, 5)).toEqual(Array(5).fill('v2'));
    await target.promote(canary); // idempotent

    const primaryPid = runtime.supervisor.get('app-primary')!.pid;
    await ports.close();
    expect(alive(primaryPid)).toBe(false);
  });

  it('pins clients with the session cookie the engine chose', async () => {
    ports = createLocalPorts({ graceMs: 1000 });
    const { router, target, runtime } = ports;
    const canary = localCanary(await freePort(), await freePort());
    canary.spec.analysis.sessionAffinity = { cookieName: 'app-canary', maxAge: 120 };
    await target.initialize(canary);
    await target.scaleCanaryUp(canary);
    await router.reconcile(canary);
    await router.setRoutes(
      canary,
      { primaryWeight: 50, canaryWeight: 50, mirrored: false },
      { canaryCookie: 'app-canary=abc123' },
    );
    const port = runtime.routerPort!;
    const first = await get(port);
    const second = await get(port);
    const fromCanary = [first, second].find((r) => r.body === 'v2')!;
    expect(fromCanary.setCookie).toEqual(['app-canary=abc123; Max-Age=120']);
    for (let i = 0; i < 5; i++) expect((await get(port, 'app-canary=abc123')).body).toBe('v2');
  });

  it('reports a crashed canary with its exit code, and refuses to promote a command that names its port', async () => {
    ports = createLocalPorts({ graceMs: 1000 });
    const { target } = ports;
    const stablePort = await freePort();
    const canaryPort = await freePort();
    const crashing = localCanary(stablePort, canaryPort, {
      command: [process.execPath, '-e', "console.error('canary: cannot parse config.yaml'); process.exit(2)"],
    });
    await target.initialize(crashing);
    await target.scaleCanaryUp(crashing);
    const readiness = await target.canaryReadiness(crashing);
    expect(readiness).toMatchObject({ ready: false, retriable: false });
    expect(readiness.ready === false && readiness.reason).toMatch(
      /app-canary .*exited with code 2.*cannot parse config\.yaml/s,
    );

    const literal = localCanary(stablePort, canaryPort, {
      command: ['node', 'server.js', '--port', String(canaryPort)],
    });
    await expect(target.promote(literal)).rejects.toThrow(/names port \d+ literally .* write \{port\}/);
  });
});
