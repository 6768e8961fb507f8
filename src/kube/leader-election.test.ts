import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApiServer, type FakeApiServer } from '../../test/harness/index.js';
import { makeClients } from './client.js';
import { LeaderElector } from './leader-election.js';

let server: FakeApiServer;
beforeAll(async () => {
  server = await startFakeApiServer({ namespaces: ['aviary-system'] });
});
afterAll(() => server.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds (a loaded CI machine stretches every timer), failing after 5 s. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

function elector(identity: string, name: string, state: { leading: Set<string> }, leaseDurationSeconds = 1) {
  return new LeaderElector({
    clients: makeClients(server.kubeConfig()),
    namespace: 'aviary-system',
    name,
    identity,
    leaseDurationSeconds,
    retryPeriodMs: 100,
    renewDeadlineMs: 500,
    onStartedLeading: () => state.leading.add(identity),
    onStoppedLeading: () => state.leading.delete(identity),
  });
}

describe('leader election on a Lease', () => {
  it('lets exactly one of two replicas lead, and hands over when the leader stops', async () => {
    const state = { leading: new Set<string>() };
    // A 4 s lease: a handover much faster than that can only come from the release.
    const a = elector('replica-a', 'handover', state, 4);
    const b = elector('replica-b', 'handover', state, 4);
    a.start();
    await eventually(() => state.leading.has('replica-a'), 'replica-a leads');
    b.start();
    await sleep(600); // several of b's retry periods: it must keep failing to acquire
    expect([...state.leading]).toEqual(['replica-a']);
    const lease = server.get('leases.coordination.k8s.io', 'aviary-system', 'handover') as unknown as {
      spec: { holderIdentity: string; renewTime: string };
    };
    expect(lease.spec.holderIdentity).toBe('replica-a');
    expect(lease.spec.renewTime).toMatch(/\.\d{6}Z$/);

    const released = Date.now();
    await a.stop(); // releases the lease, so b need not wait for it to expire
    await eventually(() => state.leading.has('replica-b'), 'replica-b leads');
    expect([...state.leading]).toEqual(['replica-b']);
    expect(Date.now() - released).toBeLessThan(2500);
    await b.stop();
  });

  it('takes over a lease whose holder stopped renewing, only after it expired', async () => {
    const state = { leading: new Set<string>() };
    const crashed = elector('crashed', 'expiry', state);
    crashed.start();
    await eventually(() => state.leading.has('crashed'), 'the first replica leads');
    // Simulate a crash: stop the timer without releasing (no stop() call path that releases).
    (crashed as unknown as { stopped: boolean }).stopped = true;
    state.leading.clear();
    const successor = elector('successor', 'expiry', state);
    const started = Date.now();
    successor.start();
    await eventually(() => state.leading.has('successor'), 'the successor leads');
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    await successor.stop();
  });
});
