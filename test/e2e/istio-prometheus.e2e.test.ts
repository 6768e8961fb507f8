/**
 * End to end: `aviary controller` as a separate process, the in-memory API server, a real Prometheus
 * scraping Istio-shaped telemetry, and the tutorial's podinfo Canary. Scenarios run concurrently, each in
 * its own namespace with its own controller (scoped to that namespace), against one API server and one
 * Prometheus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePrometheus } from '../prometheus/index.js';
import {
  imageOf,
  podinfoCanary,
  podinfoWorkload,
  replicasOf,
  type CanaryOverrides,
} from './support/manifests.js';
import { Scenario, SCENARIO_BUDGET_MS, sleep, splitOf } from './support/scenario.js';
import type { WorkloadTraffic } from './support/traffic.js';
import { startWorld, type World } from './support/world.js';

const PUBLIC_GATEWAY = 'public-gateway.istio-system.svc.cluster.local';
const OLD_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.0.0';
const NEW_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.0.1';
/**
 * Each scenario needs 10-25 s alone; six at once on a loaded two-core machine take longer. Above the
 * Scenario's own budget, so a stuck wait fails with the canary/events/log dump, not a bare timeout.
 */
const SCENARIO_TIMEOUT_MS = SCENARIO_BUDGET_MS + 30_000;
const NAMESPACES = ['test', 'failing', 'abtest', 'bluegreen', 'crash', 'nodata'];

let world: World;
const scenarios: Scenario[] = [];

beforeAll(async () => {
  world = await startWorld(NAMESPACES);
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(scenarios.map((s) => s.stop()));
  await world?.close();
});

interface Setup {
  canary?: CanaryOverrides;
  /** Telemetry per workload name (default: podinfo and podinfo-primary, both healthy). */
  traffic?: Record<string, WorkloadTraffic>;
  extra?: Parameters<Scenario['apply']>[0];
  controller?: Parameters<Scenario['startController']>[0];
}

/**
 * Starts a controller for `namespace`, applies podinfo and its Canary, waits for initialization and for
 * Prometheus to hold the namespace's telemetry, then ships the new image with `kubectl set image`.
 */
async function startRollout(namespace: string, setup: Setup = {}): Promise<Scenario> {
  const s = new Scenario(world, namespace);
  scenarios.push(s);
  const traffic = setup.traffic ?? { podinfo: {}, 'podinfo-primary': {} };
  for (const [workload, t] of Object.entries(traffic)) world.traffic.set(namespace, workload, t);
  s.startController(setup.controller);
  await s.apply([...(setup.extra ?? []), ...podinfoWorkload(namespace)]);
  await s.apply([podinfoCanary(namespace, world.receiver.url, setup.canary)]);
  await s.untilPhase('Initialized');
  await world.prometheus.waitForValue(
    `count(rate(istio_requests_total{destination_workload_namespace="${namespace}",response_code="200"}[30s]) > 0)`,
    (v) => v >= Object.keys(traffic).length,
    20_000,
  );
  await s.kubectl(['set', 'image', 'deployment/podinfo', `podinfod=${NEW_IMAGE}`]);
  return s;
}

async function expectPromoted(s: Scenario): Promise<void> {
  await s.check(imageOf(s.deployment('podinfo-primary')) === NEW_IMAGE, 'primary does not run the new image');
  await s.check(replicasOf(s.deployment('podinfo')) === 0, 'canary Deployment was not scaled to zero');
  const split = splitOf((await s.virtualService())!);
  await s.check(
    split?.primary === 100 && split.canary === 0 && !split.mirror,
    `final split ${JSON.stringify(split)}`,
  );
}

describe.skipIf(!requirePrometheus())('aviary controller process + Istio + real Prometheus', () => {
  it.concurrent(
    '(a) a healthy canary walks 10..50% and is promoted',
    async () => {
      const s = await startRollout('test');
      const recorder = s.recordSplits();
      await s.untilPhase('Progressing');
      const status = await s.untilPhase('Succeeded');
      const splits = recorder.stop();

      expect(status.phase).toBe('Succeeded');
      const canaryWeights = splits.map((x) => x.canary);
      await s.check(
        JSON.stringify(canaryWeights) === JSON.stringify([0, 10, 20, 30, 40, 50, 0]),
        `canary weights seen in the VirtualService: ${JSON.stringify(canaryWeights)}`,
      );
      expect(splits.every((x) => x.primary + x.canary === 100)).toBe(true);
      await expectPromoted(s);
      expect(world.receiver.calls('/hooks/test/acceptance-test').length).toBeGreaterThanOrEqual(1);
      expect(world.receiver.calls('/hooks/test/load-test').length).toBeGreaterThanOrEqual(5);
      const events = (await s.events()).map((e) => e.message);
      expect(events).toEqual(
        expect.arrayContaining([
          'Advance podinfo.test canary weight 10',
          'Advance podinfo.test canary weight 50',
          expect.stringMatching(/^Promotion completed!/),
        ]),
      );
      // The tutorial's gateway exists, selects the ingress pods and serves app.example.com: no warnings.
      expect((await s.events()).filter((e) => e.reason === 'RoutingPreflight')).toEqual([]);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it.concurrent(
    '(b) a failing canary is rolled back after threshold failed checks, with Events and a Slack alert',
    async () => {
      const namespace = 'failing';
      const provider = {
        apiVersion: 'aviary.dev/v1beta1',
        kind: 'AlertProvider',
        metadata: { name: 'on-call', namespace },
        spec: {
          type: 'slack',
          channel: 'releases',
          username: 'aviary',
          address: `${world.receiver.url}/slack/${namespace}`,
        },
      };
      const s = await startRollout(namespace, {
        // Half of the canary's requests fail; the primary stays healthy.
        traffic: { podinfo: { errorRate: 0.5 }, 'podinfo-primary': {} },
        canary: {
          analysis: {
            threshold: 3,
            alerts: [{ name: 'on-call', severity: 'info', providerRef: { name: 'on-call' } }],
          },
        },
        extra: [provider],
      });
      const recorder = s.recordSplits();
      const status = await s.untilPhase('Failed');
      await sleep(300);
      const splits = recorder.stop();

      await s.check(
        /success-rate/.test(status.failureReason ?? ''),
        `failureReason: ${status.failureReason ?? '(none)'}`,
      );
      const last = splits[splits.length - 1];
      await s.check(
        last?.canary === 0 && last.primary === 100,
        `weights after rollback: ${JSON.stringify(splits)}`,
      );
      // Threshold 3 at 10%: the weight never advanced past the first step.
      expect(Math.max(...splits.map((x) => x.canary))).toBe(10);
      expect(status.canaryWeight ?? 0).toBe(0);
      await s.check(replicasOf(s.deployment('podinfo')) === 0, 'canary Deployment was not scaled to zero');
      expect(imageOf(s.deployment('podinfo-primary'))).toBe(OLD_IMAGE);

      const events = await s.events();
      const warnings = events.filter((e) => e.type === 'Warning').map((e) => e.message);
      expect(warnings).toEqual(
        expect.arrayContaining([expect.stringMatching(/^Canary failed! Scaling down podinfo/)]),
      );
      await s.check(
        warnings.some((m) => /request-success-rate/.test(m)),
        `no Warning event names the failing check: ${JSON.stringify(warnings)}`,
      );
      // `kubectl get events` (a client no one here wrote) sees them too.
      const listed = JSON.parse(await s.kubectl(['get', 'events', '-o', 'json'])) as {
        items: { message?: string }[];
      };
      expect(listed.items.map((e) => e.message)).toContain(
        warnings.find((m) => m.startsWith('Canary failed!')),
      );

      const alerts = await s.until(
        'a Slack alert about the failure',
        () => {
          const bodies = world.receiver.calls(`/slack/${namespace}`).map((c) => JSON.stringify(c.body));
          return bodies.some((b) => /failed/i.test(b)) ? bodies : undefined;
        },
        10_000,
      );
      const failure = JSON.parse(alerts.find((b) => /failed/i.test(b)) ?? '{}') as {
        channel?: string;
        username?: string;
      };
      expect(failure).toMatchObject({ channel: 'releases', username: 'aviary' });
    },
    SCENARIO_TIMEOUT_MS,
  );

  it.concurrent(
    '(c) A/B testing routes the header match to the canary for its iterations, then promotes',
    async () => {
      const s = await startRollout('abtest', {
        canary: {
          analysis: {
            maxWeight: undefined,
            stepWeight: undefined,
            iterations: 4,
            match: [
              { headers: { 'x-canary': { exact: 'insider' } } },
              { headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } },
            ],
          },
        },
      });
      // Initialization already writes the match rule (routed to the primary); analysis turns it to the canary.
      const during = await s.until('the A/B match rule routed to the canary', async () => {
        const vs = await s.virtualService();
        const rule = vs?.spec.http?.[0];
        const toCanary = rule?.route?.find((r) => r.destination.host === 'podinfo-canary')?.weight === 100;
        return (vs?.spec.http?.length ?? 0) >= 2 && toCanary ? vs : undefined;
      });
      const [abRule, defaultRule] = during.spec.http ?? [];
      await s.check(
        JSON.stringify(abRule?.match?.[0]) ===
          JSON.stringify({ headers: { 'x-canary': { exact: 'insider' } } }),
        `A/B rule match: ${JSON.stringify(abRule?.match)}`,
      );
      expect(abRule?.match?.[1]).toEqual({
        headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } },
      });
      expect(abRule?.route).toEqual([
        expect.objectContaining({
          destination: expect.objectContaining({ host: 'podinfo-primary' }),
          weight: 0,
        }),
        expect.objectContaining({
          destination: expect.objectContaining({ host: 'podinfo-canary' }),
          weight: 100,
        }),
      ]);
      expect(splitOf(during)).toMatchObject({ primary: 100, canary: 0 });
      expect(defaultRule?.match).toBeUndefined();

      const iterations = await s.until('iteration 2', async () => {
        const status = await s.status();
        return (status.iterations ?? 0) >= 2 ? status.iterations : undefined;
      });
      expect(iterations).toBeGreaterThanOrEqual(2);
      await s.untilPhase('Succeeded');
      await expectPromoted(s);
      // As in Flagger, the match rule stays, now sending its users to the (promoted) primary.
      const [after] = (await s.virtualService())?.spec.http ?? [];
      expect(after?.match).toEqual(abRule?.match);
      expect(after?.route?.map((r) => [r.destination.host, r.weight])).toEqual([
        ['podinfo-primary', 100],
        ['podinfo-canary', 0],
      ]);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it.concurrent(
    '(d) blue/green mirrors traffic to the canary during its iterations, then promotes',
    async () => {
      const s = await startRollout('bluegreen', {
        canary: {
          analysis: {
            maxWeight: undefined,
            stepWeight: undefined,
            iterations: 4,
            mirror: true,
            mirrorWeight: 100,
          },
        },
      });
      const recorder = s.recordSplits();
      const mirrored = await s.until('mirroring in the VirtualService', async () => {
        const split = splitOf((await s.virtualService()) ?? { spec: {} });
        return split?.mirror ? split : undefined;
      });
      expect(mirrored).toEqual({ primary: 100, canary: 0, mirror: 'podinfo-canary', mirrorPercent: 100 });
      expect((await s.status()).phase).toBe('Progressing');
      await s.untilPhase('Succeeded');
      const splits = recorder.stop();
      await expectPromoted(s);
      // Mirroring, then everything to the canary for promotion (blue/green has no partial weights), then back.
      const weights = splits.map((x) => x.canary);
      await s.check(
        weights.every((w) => w === 0 || w === 100),
        `blue/green split had partial weights: ${JSON.stringify(splits)}`,
      );
    },
    SCENARIO_TIMEOUT_MS,
  );

  it.concurrent(
    '(e) a controller killed mid-analysis is replaced by one that waits for the lease and finishes',
    async () => {
      const namespace = 'crash';
      const leader = { leaderElectionNamespace: namespace, leaseDuration: '3s' };
      const s = await startRollout(namespace, { controller: { ...leader, identity: 'first' } });
      const [first] = s.controllers;
      const recorder = s.recordSplits();
      await s.until(
        'canary weight 20',
        async () => ((await s.status()).canaryWeight ?? 0) >= 20 || undefined,
      );
      await first?.kill('SIGKILL');
      const killedAt = Date.now();
      const weightAtKill = (await s.status()).canaryWeight ?? 0;
      await s.check(weightAtKill < 50, `analysis finished before the kill (weight ${weightAtKill})`);

      const second = s.startController({ ...leader, identity: 'second' });
      await second
        .waitForLog((l) => l.msg === 'became leader: driving canaries', 20_000)
        .catch(async (err: unknown) => {
          throw new Error(`${String(err)}
${await s.dump()}`);
        });
      const tookOverAfterMs = Date.now() - killedAt;
      const lease = world.api.get('leases.coordination.k8s.io', namespace, 'aviary-controller');
      expect(lease?.spec).toMatchObject({ holderIdentity: 'second', leaseDurationSeconds: 3 });
      expect((lease?.spec as { leaseTransitions?: number }).leaseTransitions).toBeGreaterThanOrEqual(1);
      // The dead leader's lease had to expire first (3 s, judged from when the second saw it).
      expect(tookOverAfterMs).toBeGreaterThanOrEqual(3000);

      await s.untilPhase('Succeeded');
      const splits = recorder.stop();
      await expectPromoted(s);
      const weights = splits.map((x) => x.canary);
      // No step repeated or skipped across the handover, no rollback.
      await s.check(
        JSON.stringify(weights) === JSON.stringify([0, 10, 20, 30, 40, 50, 0]),
        `canary weights across the handover: ${JSON.stringify(weights)}`,
      );
    },
    SCENARIO_TIMEOUT_MS,
  );

  it.concurrent(
    '(f) a selector label that matches nothing fails with a diagnostic naming the label and the values seen',
    async () => {
      const namespace = 'nodata';
      // The canary's telemetry carries another workload name (a renamed Deployment, a relabelled sidecar).
      const s = await startRollout(namespace, {
        traffic: { 'podinfo-v2': {}, 'podinfo-primary': {} },
        canary: {
          analysis: { threshold: 2 },
          service: { gateways: [PUBLIC_GATEWAY, 'istio-system/private-gateway'] },
        },
      });
      const status = await s.untilPhase('Failed');
      const texts = [
        status.failureReason ?? '',
        ...(status.lastChecks ?? []).map((c) => c.message),
        ...(await s.events()).map((e) => e.message),
      ];
      const diagnostic = texts.find((t) => /destination_workload\b/.test(t) && t.includes('podinfo-v2'));
      await s.check(
        diagnostic !== undefined,
        `no message names destination_workload and podinfo-v2:\n${texts.join('\n')}`,
      );
      expect(diagnostic).toMatch(/no data/i);
      expect(diagnostic).toContain('podinfo-primary');
      expect(replicasOf(s.deployment('podinfo'))).toBe(0);
      // The routing preflight names a gateway that does not exist, as a Warning event on the Canary.
      const preflight = (await s.events()).filter((e) => e.reason === 'RoutingPreflight');
      expect(preflight.map((e) => [e.type, e.message])).toEqual([
        ['Warning', expect.stringContaining('gateway "istio-system/private-gateway" not found')],
      ]);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
