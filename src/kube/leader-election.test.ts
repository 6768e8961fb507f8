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

function elector(identity: string, name: string, state: { leading: Set<string> }) {
  return new LeaderElector({
    clients: makeClients(server.kubeConfig()),
    namespace: 'aviary-system',
    name,
    identity,
    leaseDurationSeconds: 1,
    retryPeriodMs: 100,
    renewDeadlineMs: 500,
    onStartedLeading: () => state.leading.add(identity),
    onStoppedLeading: () => state.leading.delete(identity),
  });
}

describe('leader election on a Lease', () => {
  it('lets exactly one of two replicas lead, and hands over when the leader stops', async () => {
    const state = { leading: new Set<string>() };
    const a = elector('replica-a', 'handover', state);
    const b = elector('replica-b', 'handover', state);
    a.start();
    await sleep(300);
    b.start();
    await sleep(600);
    expect([...state.leading]).toEqual(['replica-a']);
    const lease = server.get('leases.coordination.k8s.io', 'aviary-system', 'handover') as unknown as {
      spec: { holderIdentity: string; renewTime: string };
    };
    expect(lease.spec.holderIdentity).toBe('replica-a');
    expect(lease.spec.renewTime).toMatch(/\.\d{6}Z$/);

    await a.stop(); // releases the lease, so b need not wait for it to expire
    await sleep(500);
    expect([...state.leading]).toEqual(['replica-b']);
    await b.stop();
  });

  it('takes over a lease whose holder stopped renewing, only after it expired', async () => {
    const state = { leading: new Set<string>() };
    const crashed = elector('crashed', 'expiry', state);
    crashed.start();
    await sleep(300);
    // Simulate a crash: stop the timer without releasing (no stop() call path that releases).
    (crashed as unknown as { stopped: boolean }).stopped = true;
    state.leading.clear();
    const successor = elector('successor', 'expiry', state);
    const started = Date.now();
    successor.start();
    while (!state.leading.has('successor') && Date.now() - started < 5000) await sleep(50);
    expect(state.leading.has('successor')).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    await successor.stop();
  });
});
