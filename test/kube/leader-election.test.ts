/**
 * Leader election (src/kube/leader-election.ts) on real coordination.k8s.io Leases: the replicas run as
 * the controller's ServiceAccount in aviary-system with deploy/rbac's leader-election Role, each test on
 * a lease name of its own; the API server's optimistic concurrency decides every race.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClients } from '../../src/kube/client.js';
import { LeaderElector } from '../../src/kube/leader-election.js';
import { startFaultProxy } from '../cluster/fault-proxy.js';
import { CONTROLLER_NAMESPACE, testCluster } from '../cluster/index.js';

const cluster = testCluster();
let controller: KubeConfig;
const leases: string[] = [];

beforeAll(async () => {
  controller = cluster.kubeConfig(await cluster.controllerKubeconfig());
});
afterAll(async () => {
  const admin = cluster.adminClients();
  await Promise.all(
    leases.map((name) =>
      admin.coordination
        .deleteNamespacedLease({ name, namespace: CONTROLLER_NAMESPACE })
        .catch(() => undefined),
    ),
  );
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds; the deadline only bounds a hang (a loaded machine stretches every timer). */
async function eventually(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

/** A lease name no other test (or run) uses. */
function leaseName(purpose: string): string {
  const name = `test-${purpose}-${Math.random().toString(36).slice(2, 8)}`;
  leases.push(name);
  return name;
}

function elector(
  identity: string,
  name: string,
  state: { leading: Set<string> },
  leaseDurationSeconds = 1,
  config = controller,
) {
  return new LeaderElector({
    clients: makeClients(config),
    namespace: CONTROLLER_NAMESPACE,
    name,
    identity,
    leaseDurationSeconds,
    retryPeriodMs: 100,
    renewDeadlineMs: 500,
    onStartedLeading: () => state.leading.add(identity),
    onStoppedLeading: () => state.leading.delete(identity),
  });
}

/** The lease as the API server serializes it (kubectl shows the stored MicroTime text). */
async function storedLease(name: string) {
  const { code, stdout, stderr } = await cluster.kubectl([
    'get',
    'lease',
    name,
    '-n',
    CONTROLLER_NAMESPACE,
    '-o',
    'json',
  ]);
  if (code !== 0) throw new Error(`kubectl get lease ${name}: ${stderr}`);
  return JSON.parse(stdout) as {
    spec: { holderIdentity?: string; renewTime: string; leaseTransitions?: number };
  };
}

describe('leader election on a Lease', () => {
  it('lets exactly one of two replicas lead, and hands over when the leader stops', async () => {
    const state = { leading: new Set<string>() };
    const name = leaseName('handover');
    // A 60 s lease: within this test a handover can only come from the release, never from expiry.
    const a = elector('replica-a', name, state, 60);
    const b = elector('replica-b', name, state, 60);
    a.start();
    await eventually(() => state.leading.has('replica-a'), 'replica-a leads');
    b.start();
    await sleep(1500); // many of b's retry periods: it must keep failing to acquire
    expect([...state.leading]).toEqual(['replica-a']);
    const lease = await storedLease(name);
    expect(lease.spec.holderIdentity).toBe('replica-a');
    expect(lease.spec.renewTime).toMatch(/\.\d{6}Z$/);

    await a.stop(); // releases the lease, so b need not wait for it to expire
    await eventually(() => state.leading.has('replica-b'), 'replica-b leads');
    expect([...state.leading]).toEqual(['replica-b']);
    const handedOver = await storedLease(name);
    expect(handedOver.spec.holderIdentity).toBe('replica-b');
    expect(handedOver.spec.leaseTransitions).toBe(1);
    await b.stop();
  }, 60_000);

  it('takes over a lease whose holder stopped renewing, only after it expired', async () => {
    const state = { leading: new Set<string>() };
    const name = leaseName('expiry');
    const crashed = elector('crashed', name, state);
    crashed.start();
    await eventually(() => state.leading.has('crashed'), 'the first replica leads');
    // Simulate a crash: stop the timer without releasing (no stop() call path that releases).
    (crashed as unknown as { stopped: boolean }).stopped = true;
    state.leading.clear();
    const successor = elector('successor', name, state);
    const started = Date.now();
    successor.start();
    await eventually(() => state.leading.has('successor'), 'the successor leads');
    // A lower bound only: a slow machine can make this longer, never shorter.
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect((await storedLease(name)).spec.holderIdentity).toBe('successor');
    await successor.stop();
  }, 60_000);

  it('lets exactly one of several replicas that start together create the lease', async () => {
    const state = { leading: new Set<string>() };
    const name = leaseName('race');
    const replicas = ['r1', 'r2', 'r3'].map((id) => elector(id, name, state, 60));
    for (const replica of replicas) replica.start();
    await eventually(() => state.leading.size > 0, 'one replica leads');
    await sleep(1500);
    expect(state.leading.size).toBe(1);
    const [leader] = [...state.leading];
    expect((await storedLease(name)).spec.holderIdentity).toBe(leader);
    await Promise.all(replicas.map((r) => r.stop()));
  }, 60_000);

  it('a leader stopped while its renewal is on the wire stays stopped, and the release is the last write', async () => {
    const proxy = await startFaultProxy(await cluster.controllerKubeconfig());
    try {
      const state = { leading: new Set<string>() };
      const name = leaseName('inflight');
      const a = elector('replica-a', name, state, 60, proxy.kubeConfig());
      a.start();
      await eventually(() => state.leading.has('replica-a'), 'replica-a leads');
      // Catch a renewal in flight, and the read stop() makes before releasing.
      const renewal = proxy.hold({ verb: 'update', resource: 'leases', name });
      await renewal.arrived;
      const read = proxy.hold({ verb: 'get', resource: 'leases', name });
      const stopping = a.stop();
      renewal.release(); // the renewal lands after stop() was called
      read.release();
      await stopping;
      await sleep(500); // several retry periods: a stopped replica never leads again
      expect(state.leading.has('replica-a')).toBe(false);
      expect((await storedLease(name)).spec.holderIdentity ?? '').toBe('');
      const writes = proxy.requests.filter((r) => r.verb === 'update' && r.name === name);
      expect(writes.at(-1)?.status).toBe(200); // the release, after the renewal
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
