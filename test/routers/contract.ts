/**
 * The contract every traffic router passes, on the real control plane of scripts/dev-cluster.sh: the
 * router runs as the controller (`aviary-system/aviary`, only deploy/rbac's grants, so an ungranted
 * call is a real 403), its objects are validated by the owners' real CRDs (structural schemas, CEL),
 * and the test reads what the API server holds. A router's test file is a call to `runRouterContract`.
 *
 * What a user relies on: all traffic starts on the primary; reconciles are idempotent and never reset
 * a split in progress; the weights reported are the live object's (an edit behind Aviary's back shows),
 * a weight the server did not keep is an error; finalize leaves traffic on the primary; objects are
 * garbage-collected with the Canary; and a capability the router lacks is refused, never ignored.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Canary, CanaryAnalysis, CanarySpec, Provider } from '../../src/api/types.js';
import type { RouteOptions, Routes, TrafficRouter } from '../../src/engine/ports.js';
import { AviaryError } from '../../src/errors.js';
import { GROUP, VERSION, makeClients, type KubeClients } from '../../src/kube/client.js';
import { routerEntry, type ProviderCapabilities } from '../../src/routers/index.js';
import { canaryFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import {
  WRITE_VERBS,
  auditMark,
  auditedUntilNow,
  describeRecord,
  type AuditMark,
} from '../cluster/audit-fence.js';
import { CONTROLLER_USER, testCluster, type TestCluster } from '../cluster/index.js';
import {
  keepAsStored,
  mustRead,
  readLive,
  revertTo,
  type LiveObject,
  type RoutingRef,
} from './live-object.js';

export type { RoutingRef };

export interface ContractContext {
  cluster: TestCluster;
  /** Admin clients, for what the user (or another tool) does. */
  admin: KubeClients;
  /** A fresh namespace for this test; the Canary is `podinfo` in it. */
  namespace: string;
}

export interface RouterWorld {
  /** Spec fields the provider needs (gatewayRefs, ingressRef, ...), merged into the test Canary. */
  spec?: Partial<Omit<CanarySpec, 'service'>> & { service?: Partial<CanarySpec['service']> };
  /** Every object the router creates and owns. */
  objects: RoutingRef[];
  /** The object that holds the weights (the one edited behind Aviary's back); none without weights. */
  weighted?: RoutingRef;
}

export interface RouterContract {
  /** The registry entry under test: its router and the capabilities `aviary validate` relies on. */
  provider: Provider;
  /** The suite's name (default: the provider). */
  name?: string;
  /** The router, when the test builds it otherwise than the registry (called again for a restarted controller). */
  router?(clients: KubeClients): TrafficRouter;
  /** Prepares one test's namespace (a Deployment, the user's Ingress, ...) and names the router's objects. */
  setup(ctx: ContractContext): Promise<RouterWorld> | RouterWorld;
  /**
   * The provider's own analyzer over one scenario's namespace (istioctl analyze): the problems it
   * reports about what the router wrote, none expected.
   */
  analyzerFindings?(cluster: TestCluster, namespace: string): Promise<string[]>;
}

const split = (primaryWeight: number, canaryWeight: number, mirrored = false): Routes => ({
  primaryWeight,
  canaryWeight,
  mirrored,
});
const AB_MATCH: CanaryAnalysis['match'] = [{ headers: { 'x-canary': { exact: 'insider' } } }];
/** Flagger's header suffix, with a `.` that must be taken literally. */
const SUFFIX_MATCH: CanaryAnalysis['match'] = [{ headers: { 'x-user-email': { suffix: '@example.com' } } }];
const AFFINITY: CanaryAnalysis['sessionAffinity'] = { cookieName: 'canary-session', maxAge: 3600 };

/** Polls `check` until it holds or the deadline passes (the cluster's controllers act asynchronously). */
async function eventually(what: string, check: () => Promise<boolean>, deadlineMs = 90_000) {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The Canary as a user applies it, stored on the API server so that the objects' owner references
 * point at a real owner (the garbage collector deletes dependents of an owner that does not exist).
 * `suspend: true` keeps any controller another test runs on the shared cluster away from it; routers
 * do not read it.
 */
export async function storeCanary(admin: KubeClients, canary: Canary): Promise<Canary> {
  const { uid: _uid, ...metadata } = canary.metadata;
  return (await admin.custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: metadata.namespace ?? 'default',
    plural: 'canaries',
    body: { ...canary, metadata, spec: { ...canary.spec, suspend: true } },
  })) as Canary;
}

/** The registry's Kubernetes router for a provider; the suite fails at collection for any other. */
function registered(provider: Provider) {
  const entry = routerEntry(provider);
  if (entry?.runtime !== 'kubernetes')
    throw new Error(`${provider} has no Kubernetes router in src/routers/index.ts`);
  return entry;
}

export function runRouterContract(contract: RouterContract): void {
  const entry = registered(contract.provider);
  const capabilities: ProviderCapabilities = entry.capabilities;
  const name = contract.name ?? contract.provider.replace(':', '-');
  const makeRouter = contract.router ?? entry.create;
  describe(`router contract: ${name}`, () => {
    const cluster = testCluster();
    const admin = cluster.adminClients();
    const adminConfig: KubeConfig = admin.config;
    let controller: KubeClients;
    let controllerConfig: KubeConfig;
    let started: AuditMark;
    const namespaces: string[] = [];

    beforeAll(async () => {
      started = auditMark(cluster.kubeconfig);
      controllerConfig = cluster.kubeConfig(await cluster.controllerKubeconfig());
      controller = makeClients(controllerConfig);
    });
    afterAll(async () => {
      await Promise.all(namespaces.map((ns) => cluster.deleteNamespace(ns)));
    });

    async function world(analysis: Partial<CanaryAnalysis> = {}) {
      const namespace = await cluster.newNamespace(`routers-${name}`);
      namespaces.push(namespace);
      const ut = await contract.setup({ cluster, admin, namespace });
      const base = canaryFor(namespace, 'podinfo');
      const canary = await storeCanary(admin, {
        ...base,
        spec: {
          ...base.spec,
          ...ut.spec,
          provider: contract.provider,
          service: { ...base.spec.service, ...ut.spec?.service },
          analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10, ...analysis },
        },
      });
      const live = (ref: RoutingRef) => readLive(adminConfig, namespace, ref);
      const versions = () =>
        Promise.all(
          ut.objects.map(
            async (ref) => `${ref.kind}/${ref.name}@${(await live(ref))?.metadata.resourceVersion}`,
          ),
        );
      /** What the router, as the controller, wrote in this namespace since `mark` (the audit log). */
      const writesSince = async (mark: AuditMark) =>
        (await auditedUntilNow(mark, CONTROLLER_USER, controller, namespace))
          .filter((r) => r.namespace === namespace && WRITE_VERBS.has(r.verb))
          .map(describeRecord);
      return { ...ut, router: makeRouter(controller), namespace, canary, live, versions, writesSince };
    }

    const weightedOf = (w: { weighted?: RoutingRef }): RoutingRef => {
      if (!w.weighted) throw new Error(`the ${name} world names no weighted object`);
      return w.weighted;
    };

    const refusal = async (attempt: Promise<unknown>) => {
      const err = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, 'expected the router to refuse').toBeInstanceOf(AviaryError);
      return err as AviaryError;
    };

    it('reconcile creates its objects with all traffic on the primary', async () => {
      const w = await world();
      await w.router.reconcile(w.canary);
      for (const ref of w.objects) expect(await w.live(ref), `${ref.kind} ${ref.name}`).toBeDefined();
      expect(await w.router.getRoutes(w.canary)).toEqual(split(100, 0));
    });

    it('objects carry an owner reference to the Canary, and go with it (the garbage collector)', async () => {
      const w = await world();
      const since = auditMark(cluster.kubeconfig);
      await w.router.reconcile(w.canary);
      if (w.objects.length === 0) {
        // A router that owns nothing (Knative routes through the user's own Service) must create nothing
        // either: an object it created would outlive the Canary.
        const creates = (await w.writesSince(since)).filter((call) => call.startsWith('create '));
        expect(creates).toEqual([]);
        return;
      }
      for (const ref of w.objects) {
        expect((await w.live(ref))?.metadata.ownerReferences, `${ref.kind} ${ref.name}`).toContainEqual(
          expect.objectContaining({
            kind: 'Canary',
            name: 'podinfo',
            uid: w.canary.metadata.uid,
            controller: true,
          }),
        );
      }
      await admin.custom.deleteNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: w.namespace,
        plural: 'canaries',
        name: 'podinfo',
      });
      await eventually('the garbage collector has deleted every routing object', async () =>
        (await Promise.all(w.objects.map((ref) => w.live(ref)))).every((obj) => obj === undefined),
      );
    });

    it('a second reconcile writes nothing', async () => {
      const w = await world();
      await w.router.reconcile(w.canary);
      const before = await w.versions();
      const since = auditMark(cluster.kubeconfig);
      await w.router.reconcile(w.canary);
      expect(await w.versions()).toEqual(before);
      // A no-op replace leaves resourceVersion alone on a real server: the audit log shows any write.
      expect(await w.writesSince(since)).toEqual([]);
    });

    if (capabilities.weights) {
      it('setRoutes 90/10 is read back from the live object, and a reconcile keeps it', async () => {
        const w = await world();
        await w.router.reconcile(w.canary);
        await w.router.setRoutes(w.canary, split(90, 10));
        expect(await w.router.getRoutes(w.canary)).toEqual(split(90, 10));
        await w.router.reconcile(w.canary);
        expect(await w.router.getRoutes(w.canary)).toEqual(split(90, 10));
        // A fresh router (a restarted controller) reads the same split: nothing is cached in memory.
        expect(await makeRouter(makeClients(controllerConfig)).getRoutes(w.canary)).toEqual(split(90, 10));
      });

      it('reports an edit made behind its back, not what it last wrote', async () => {
        const w = await world();
        await w.router.reconcile(w.canary);
        const atStart = await mustRead(adminConfig, w.namespace, weightedOf(w));
        await w.router.setRoutes(w.canary, split(60, 40));
        await revertTo(adminConfig, w.namespace, weightedOf(w), atStart);
        expect(await w.router.getRoutes(w.canary)).toEqual(split(100, 0));
      });

      it('moves all traffic to the canary and back', async () => {
        const w = await world();
        await w.router.reconcile(w.canary);
        await w.router.setRoutes(w.canary, split(0, 100));
        expect(await w.router.getRoutes(w.canary)).toEqual(split(0, 100));
        await w.router.setRoutes(w.canary, split(100, 0));
        expect(await w.router.getRoutes(w.canary)).toEqual(split(100, 0));
      });

      it('finalize leaves traffic on the primary', async () => {
        const w = await world();
        await w.router.reconcile(w.canary);
        await w.router.setRoutes(w.canary, split(70, 30));
        await w.router.finalize(w.canary);
        expect(await w.router.getRoutes(w.canary)).toEqual(split(100, 0));
      });

      it('a weight the API server did not keep is ROUTE_NOT_APPLIED', async () => {
        const w = await world();
        await w.router.reconcile(w.canary);
        // A mutating admission webhook on the real API server that keeps the weighted object as stored.
        const webhook = await keepAsStored(adminConfig, w.namespace, weightedOf(w));
        try {
          const err = await refusal(w.router.setRoutes(w.canary, split(90, 10)));
          expect(err.code).toBe('ROUTE_NOT_APPLIED');
          expect(err.message).toContain('10%');
          expect(webhook.requests.some((r) => r.operation === 'UPDATE' && !r.dryRun)).toBe(true);
        } finally {
          await webhook.close();
        }
      });
    } else {
      it('refuses a weighted split or a mirror, and finalize leaves traffic on the primary', async () => {
        const w = await world({ iterations: 10, stepWeight: undefined, maxWeight: undefined });
        await w.router.reconcile(w.canary);
        const err = await refusal(w.router.setRoutes(w.canary, split(90, 10)));
        expect(err.code).toBe('INVALID_SPEC');
        expect(err.message).toContain('10%');
        expect((await refusal(w.router.setRoutes(w.canary, split(100, 0, true)))).message).toContain(
          'mirror',
        );
        await w.router.finalize(w.canary);
        expect(await w.router.getRoutes(w.canary)).toEqual(split(100, 0));
      });
    }

    const stored = async (w: {
      objects: RoutingRef[];
      live: (r: RoutingRef) => Promise<LiveObject | undefined>;
    }) => JSON.stringify(await Promise.all(w.objects.map((ref) => w.live(ref))));

    describe('capabilities', () => {
      if (capabilities.match) {
        const abCases = [
          {
            what: 'requests matching analysis.match go all to the canary and back',
            match: AB_MATCH,
            written: 'insider',
          },
          {
            // No proxy here has a suffix match for headers: any text, the suffix literally, the end.
            what: 'a header suffix is written as the regex it means, which the CRD accepts',
            match: SUFFIX_MATCH,
            written: JSON.stringify('.*@example\\.com$'),
          },
        ];
        for (const { what, match, written } of abCases)
          it(`A/B: ${what}`, async () => {
            const w = await world({ iterations: 5, match, stepWeight: undefined, maxWeight: undefined });
            await w.router.reconcile(w.canary);
            expect(await w.router.getRoutes(w.canary)).toEqual(split(100, 0));
            await w.router.setRoutes(w.canary, split(0, 100));
            expect(await w.router.getRoutes(w.canary)).toEqual(split(0, 100));
            expect(await stored(w)).toContain(written);
            expect(await stored(w)).not.toContain('suffix');
            await w.router.setRoutes(w.canary, split(100, 0));
            expect(await w.router.getRoutes(w.canary)).toEqual(split(100, 0));
          });
      } else {
        it('refuses analysis.match', async () => {
          const w = await world({ iterations: 5, match: AB_MATCH });
          const err = await refusal(w.router.reconcile(w.canary));
          expect(err.code).toBe('INVALID_SPEC');
          expect(err.message).toContain('analysis.match');
        });
      }

      if (capabilities.mirror) {
        it('blue/green: mirrors traffic to the canary and stops', async () => {
          const w = await world({ iterations: 5, mirror: true, stepWeight: undefined, maxWeight: undefined });
          await w.router.reconcile(w.canary);
          await w.router.setRoutes(w.canary, split(100, 0, true));
          expect(await w.router.getRoutes(w.canary)).toEqual(split(100, 0, true));
          await w.router.setRoutes(w.canary, split(100, 0, false));
          expect(await w.router.getRoutes(w.canary)).toEqual(split(100, 0, false));
        });
      } else {
        it('refuses analysis.mirror and a mirrored route', async () => {
          const w = await world({ iterations: 5, mirror: true });
          const err = await refusal(w.router.reconcile(w.canary));
          expect(err.code).toBe('INVALID_SPEC');
          expect(err.message).toContain('analysis.mirror');
          const plain = await world();
          await plain.router.reconcile(plain.canary);
          expect(
            (await refusal(plain.router.setRoutes(plain.canary, split(100, 0, true)))).message,
          ).toContain('mirror');
        });
      }

      if (capabilities.sessionAffinity) {
        it('session affinity: the canary cookie pins clients while the canary has traffic', async () => {
          const w = await world({ sessionAffinity: AFFINITY });
          await w.router.reconcile(w.canary);
          // The engine hands over the cookie as the status stores it (Flagger's shape): `<name>=<value>`.
          const options: RouteOptions = { canaryCookie: 'canary-session=c0ffee1234' };
          await w.router.setRoutes(w.canary, split(90, 10), options);
          expect(await w.router.getRoutes(w.canary)).toEqual(split(90, 10));
          expect(await stored(w)).toContain('canary-session=c0ffee1234; Max-Age=');
          expect(await stored(w)).not.toContain('canary-session=canary-session=');
          await w.router.setRoutes(w.canary, split(100, 0), { previousCookie: 'canary-session=c0ffee1234' });
          expect(await stored(w)).toContain('canary-session=c0ffee1234; Max-Age=-1');
          expect(await w.router.getRoutes(w.canary)).toEqual(split(100, 0));
        });
      } else {
        it('refuses analysis.sessionAffinity', async () => {
          const w = await world({ sessionAffinity: AFFINITY });
          const err = await refusal(w.router.reconcile(w.canary));
          expect(err.code).toBe('INVALID_SPEC');
          expect(err.message).toContain('analysis.sessionAffinity');
        });
      }
    });

    if (contract.analyzerFindings) {
      const analyzerFindings = contract.analyzerFindings;
      it("the provider's own analyzer finds nothing wrong in any scenario's namespace", async () => {
        const found: Record<string, string[]> = {};
        for (const ns of namespaces) {
          const findings = await analyzerFindings(cluster, ns);
          if (findings.length) found[ns] = findings;
        }
        expect(namespaces.length).toBeGreaterThan(0);
        expect(found).toEqual({});
      });
    }

    // Last: by now the router has made every kind of call it makes.
    it('every call it made as aviary-system/aviary was allowed by the real RBAC (deploy/rbac)', async () => {
      const last = namespaces.at(-1);
      expect(last).toBeDefined();
      const calls = (await auditedUntilNow(started, CONTROLLER_USER, controller, last!)).filter(
        (r) => r.namespace !== undefined && namespaces.includes(r.namespace),
      );
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.filter((r) => r.code === 403).map(describeRecord)).toEqual([]);
    });
  });
}
