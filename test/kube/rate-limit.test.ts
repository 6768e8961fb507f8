/**
 * -kubeconfig-qps / -kubeconfig-burst on the real API server: the requests the typed clients make wait
 * for the token bucket. Only a lower bound on the time is asserted (a limit cannot make calls faster).
 */
import { describe, expect, it } from 'vitest';
import { makeClients } from '../../src/kube/client.js';
import { limitRequests } from '../../src/kube/rate-limit.js';
import { testCluster } from '../cluster/index.js';

describe('Kubernetes client rate limit (Flagger -kubeconfig-qps, -kubeconfig-burst)', () => {
  const cluster = testCluster();

  it('lets `burst` requests through at once, then `qps` per second, all of them answered', async () => {
    const config = cluster.kubeConfig();
    limitRequests(config, { qps: 10, burst: 2 });
    const clients = makeClients(config);
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => clients.core.readNamespace({ name: 'default' })),
    );
    const elapsedMs = performance.now() - started;
    expect(answers.map((ns) => ns.metadata?.name)).toEqual(Array(12).fill('default'));
    // 2 at once, then 10 more at 10 per second: at least one second.
    expect(elapsedMs).toBeGreaterThanOrEqual(950);
  });
});
