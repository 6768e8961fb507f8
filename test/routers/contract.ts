/**
 * The contract every traffic router passes, against the in-memory API server (real client-node, CRD
 * schemas enforced). A router's test file is a call to `runRouterContract` with how to build it.
 *
 * What a user relies on: all traffic starts on the primary; reconciles are idempotent and never reset
 * a split in progress; the weights reported are the live object's (an edit behind Aviary's back shows),
 * a weight the server did not keep is an error; finalize leaves traffic on the primary; objects are
 * garbage-collected with the Canary; and a capability the router lacks is refused, never ignored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Canary, CanaryAnalysis, CanarySpec, Provider } from '../../src/api/types.js';
import type { RouteOptions, Routes, TrafficRouter } from '../../src/engine/ports.js';
import { AviaryError } from '../../src/errors.js';
import { makeClients, type KubeClients } from '../../src/kube/client.js';
import type { RouterCapabilities } from '../../src/routers/shared/capabilities.js';
import { canaryFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import { startFakeApiServer, type FakeApiServer, type KubeObject } from '../harness/index.js';
import { controllerRoles, kustomize } from '../deploy/render.js';
import { accessOf, allowedBy, describeAccess, type Access } from '../rbac/rbac.js';
import { TEST_AGENT, freezingProxy, readRaw, revertTo, type RoutingRef } from './live-object.js';

export type { RoutingRef };

export interface ContractContext {
  server: FakeApiServer;
  clients: KubeClients;
  /** A fresh namespace for this test; the Canary is `podinfo` in it. */
  namespace: string;
}

export interface RouterWorld {
  /** Spec fields the provider needs (gatewayRefs, ingressRef, ...), merged into the test Canary. */
  spec?: Partial<Omit<CanarySpec, 'service'>> & { service?: Partial<CanarySpec['service']> };
  /** Every object the router creates and owns. */
  objects: RoutingRef[];
  /** The object that holds the weights (the one edited behind Aviary's back). */
  weighted: RoutingRef;
}

export interface RouterContract {
  name: string;
  provider: Provider;
  capabilities: RouterCapabilities;
  crdFiles?: string[];
  crdDirs?: string[];
  /** The router, as the controller builds it (called again for a restarted controller). */
  router(clients: KubeClients): TrafficRouter;
  /** Prepares one test's namespace (a Deployment, the user's Ingress, ...) and names the router's objects. */
  setup(ctx: ContractContext): Promise<RouterWorld> | RouterWorld;
}

const split = (primaryWeight: number, canaryWeight: number, mirrored = false): Routes => ({
  primaryWeight,
  canaryWeight,
  mirrored,
});
const AB_MATCH: CanaryAnalysis['match'] = [{ headers: { 'x-canary': { exact: 'insider' } } }];
const AFFINITY: CanaryAnalysis['sessionAffinity'] = { cookieName: 'canary-session', maxAge: 3600 };

export function runRouterContract(contract: RouterContract): void {
  describe(`router contract: ${contract.name}`, () => {
    let server: FakeApiServer;
    let clients: KubeClients;
    let namespaces = 0;

    beforeAll(async () => {
      server = await startFakeApiServer({
        crdFiles: contract.crdFiles ?? [],
        crdDirs: contract.crdDirs ?? [],
        deploymentReadyDelayMs: 10,
        simulateHpas: false,
      });
      clients = makeClients(server.kubeConfig());
    });
    afterAll(() => server?.close());

    async function world(analysis: Partial<CanaryAnalysis> = {}) {
      const namespace = `${contract.name.replace(/[^a-z0-9]/g, '')}-${++namespaces}`;
      server.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      const ut = await contract.setup({ server, clients, namespace });
      const base = canaryFor(namespace, 'podinfo');
      const canary: Canary = {
        ...base,
        spec: {
          ...base.spec,
          ...ut.spec,
          provider: contract.provider,
          service: { ...base.spec.service, ...ut.spec?.service },
          analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10, ...analysis },
        },
      };
      const live = (ref: RoutingRef) => server.get(ref.resource, namespace, ref.name);
      const versions = () =>
        ut.objects.map((ref) => `${ref.resource}/${ref.name}@${live(ref)?.metadata.resourceVersion}`);
      return { ...ut, router: contract.router(clients), namespace, canary, live, versions };
    }

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
      for (const ref of w.objects) expect(w.live(ref), `${ref.resource} ${ref.name}`).toBeDefined();
      expect(await w.router.getRoutes(w.canary)).toEqual(split(100, 0));
    });

    it('objects carry an owner reference to the Canary', async () => {
      const w = await world();
      await w.router.reconcile(w.canary);
      for (const ref of w.objects) {
        expect(w.live(ref)?.metadata.ownerReferences, `${ref.resource} ${ref.name}`).toContainEqual(
          expect.objectContaining({
            kind: 'Canary',
            name: 'podinfo',
            uid: w.canary.metadata.uid,
            controller: true,
          }),
        );
      }
    });

    it('a second reconcile writes nothing', async () => {
      const w = await world();
      await w.router.reconcile(w.canary);
      const before = w.versions();
      await w.router.reconcile(w.canary);
      expect(w.versions()).toEqual(before);
    });

    it('setRoutes 90/10 is read back from the live object, and a reconcile keeps it', async () => {
      const w = await world();
      await w.router.reconcile(w.canary);
      await w.router.setRoutes(w.canary, split(90, 10));
      expect(await w.router.getRoutes(w.canary)).toEqual(split(90, 10));
      await w.router.reconcile(w.canary);
      expect(await w.router.getRoutes(w.canary)).toEqual(split(90, 10));
      // A fresh router (a restarted controller) reads the same split: nothing is cached in memory.
      expect(await contract.router(clients).getRoutes(w.canary)).toEqual(split(90, 10));
    });

    it('reports an edit made behind its back, not what it last wrote', async () => {
      const w = await world();
      await w.router.reconcile(w.canary);
      const atStart = await readRaw(server, w.namespace, w.weighted);
      await w.router.setRoutes(w.canary, split(60, 40));
      await revertTo(server, w.namespace, w.weighted, atStart);
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
      const proxy = await freezingProxy(server, w.namespace, w.weighted);
      try {
        const frozen = contract.router(makeClients(proxy.kubeConfig));
        const err = await refusal(frozen.setRoutes(w.canary, split(90, 10)));
        expect(err.code).toBe('ROUTE_NOT_APPLIED');
        expect(err.message).toContain('10%');
      } finally {
        await proxy.close();
      }
    });

    const stored = (w: { objects: RoutingRef[]; live: (r: RoutingRef) => KubeObject | undefined }) =>
      JSON.stringify(w.objects.map((ref) => w.live(ref)));

    describe('capabilities', () => {
      if (contract.capabilities.match) {
        it('A/B: requests matching analysis.match go all to the canary and back', async () => {
          const w = await world({
            iterations: 5,
            match: AB_MATCH,
            stepWeight: undefined,
            maxWeight: undefined,
          });
          await w.router.reconcile(w.canary);
          expect(await w.router.getRoutes(w.canary)).toEqual(split(100, 0));
          await w.router.setRoutes(w.canary, split(0, 100));
          expect(await w.router.getRoutes(w.canary)).toEqual(split(0, 100));
          expect(stored(w)).toContain('insider');
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

      if (contract.capabilities.mirror) {
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

      if (contract.capabilities.sessionAffinity) {
        it('session affinity: the canary cookie pins clients while the canary has traffic', async () => {
          const w = await world({ sessionAffinity: AFFINITY });
          await w.router.reconcile(w.canary);
          const options: RouteOptions = { canaryCookie: 'c0ffee1234' };
          await w.router.setRoutes(w.canary, split(90, 10), options);
          expect(await w.router.getRoutes(w.canary)).toEqual(split(90, 10));
          expect(stored(w)).toContain('canary-session=c0ffee1234');
          await w.router.setRoutes(w.canary, split(100, 0), { previousCookie: 'c0ffee1234' });
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

    // Last: by now the router has made every kind of call it makes.
    it("every API call it made is allowed by the controller's ClusterRole (deploy/rbac)", async () => {
      const { roles } = controllerRoles((await kustomize('deploy')).objects);
      const calls = server.requests
        .filter((r) => r.userAgent !== TEST_AGENT)
        .map(accessOf)
        .filter((a): a is Access => a !== undefined);
      expect(calls.length).toBeGreaterThan(0);
      const denied = [...new Set(calls.filter((a) => !allowedBy(roles, a)).map(describeAccess))];
      expect(denied).toEqual([]);
    });
  });
}
