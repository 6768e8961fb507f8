/**
 * The controller's observed-share check end to end: `aviary controller` as a process on the real control
 * plane, a real Prometheus scraping Istio-shaped request counts, the podinfo Canary analysed every 10 s.
 * When the mesh's counts follow the VirtualService's weights the status says "consistent"; when both
 * workloads get the same traffic whatever the weights (callers reaching them through a plain Service,
 * which spreads over pods), the status says "mismatch" and a Warning event names the numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanaryStatus } from '../../src/api/types.js';
import { requirePrometheus } from '../prometheus/index.js';
import { istioTraffic } from '../prometheus/index.js';
import { podinfoCanary, podinfoWorkload } from './support/manifests.js';
import { Scenario, SCENARIO_BUDGET_MS, splitOf } from './support/scenario.js';
import { startWorld, type World } from './support/world.js';

const NEW_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.0.1';
type ObservedTraffic = NonNullable<CanaryStatus['observedTraffic']>;

let world: World;
const scenarios: Scenario[] = [];
const timers: NodeJS.Timeout[] = [];

beforeAll(async () => {
  requirePrometheus();
  world = await startWorld();
}, 90_000);

afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  await Promise.allSettled(scenarios.map((s) => s.stop()));
  await world?.close();
}, 90_000);

/** Starts podinfo and its Canary (10 s interval) in a fresh namespace and ships a new revision. */
async function release(prefix: string, traffic: (s: Scenario) => void): Promise<Scenario> {
  const namespace = await world.newNamespace(prefix);
  const s = new Scenario(world, namespace);
  scenarios.push(s);
  traffic(s);
  s.startController();
  await s.apply(podinfoWorkload(namespace));
  await s.apply([
    podinfoCanary(
      namespace,
      { receiverUrl: world.receiver.url, publicGateway: world.publicGateway },
      { analysis: { interval: '10s', stepWeight: 10, maxWeight: 50 } },
    ),
  ]);
  await s.untilPhase('Initialized');
  await s.kubectl(['set', 'image', 'deployment/podinfo', `podinfod=${NEW_IMAGE}`]);
  return s;
}

/** The first conclusive observation in the status (consistent or mismatch). */
async function conclusive(s: Scenario): Promise<ObservedTraffic> {
  return s.until('a conclusive status.observedTraffic', async () => {
    const { status } = (await s.canary()) as { status?: CanaryStatus };
    const observed = status?.observedTraffic;
    return observed?.verdict === 'consistent' || observed?.verdict === 'mismatch' ? observed : undefined;
  });
}

describe('observed traffic share on Kubernetes', () => {
  it(
    'a mesh that follows the weights is consistent, with the counts in the status',
    async () => {
      const s = await release('share-ok', (s) => {
        // 40 requests every 250 ms, split by the weights the VirtualService holds right now.
        let canaryWeight = 0;
        timers.push(
          setInterval(() => {
            void s.virtualService().then(
              (vs) => (canaryWeight = vs ? (splitOf(vs)?.canary ?? 0) : 0),
              () => undefined,
            );
          }, 500),
          setInterval(() => {
            const canary = Math.round((40 * canaryWeight) / 100);
            istioTraffic(world.exporter, { workload: 'podinfo', namespace: s.namespace, ok: canary });
            istioTraffic(world.exporter, {
              workload: 'podinfo-primary',
              namespace: s.namespace,
              ok: 40 - canary,
            });
          }, 250),
        );
      });
      const observed = await conclusive(s);
      await s.check(observed.verdict === 'consistent', `observed ${JSON.stringify(observed)}`);
      expect(observed.canaryRequests! + observed.primaryRequests!).toBeGreaterThan(200);
      expect(observed.canaryShare).toBeGreaterThanOrEqual(observed.expectedMin!);
      expect(observed.canaryShare).toBeLessThanOrEqual(observed.expectedMax!);
      expect(observed.message).toMatch(/^Split follows the weights: canary received [\d.]+% of \d+ requests/);
      const warnings = (await s.events()).filter((e) => e.reason === 'TrafficSplitOff');
      expect(warnings).toEqual([]);
    },
    SCENARIO_BUDGET_MS + 30_000,
  );

  it(
    'traffic spread evenly over both workloads whatever the weights is a mismatch and a Warning event',
    async () => {
      const s = await release('share-off', (s) => {
        world.traffic.set(s.namespace, 'podinfo', {});
        world.traffic.set(s.namespace, 'podinfo-primary', {});
      });
      const observed = await conclusive(s);
      await s.check(observed.verdict === 'mismatch', `observed ${JSON.stringify(observed)}`);
      expect(observed.canaryShare).toBeGreaterThan(40);
      expect(observed.pValue).toBeLessThan(0.001);
      const warning = await s.until('a TrafficSplitOff Warning event', async () =>
        (await s.events()).find((e) => e.type === 'Warning' && e.reason === 'TrafficSplitOff'),
      );
      expect(warning.message).toMatch(
        /^Traffic is not following the weights: canary received [\d.]+% of \d+ requests in the last \d+s at weight (0% then )?10%/,
      );
      expect(warning.message).toContain('Callers are bypassing the routing');
    },
    SCENARIO_BUDGET_MS + 30_000,
  );
});
