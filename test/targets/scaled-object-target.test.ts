/**
 * The Deployment target with a KEDA ScaledObject as its autoscaler (src/targets/kubernetes/
 * primary-scaled-object.ts) on the real control plane, as the controller's ServiceAccount with only
 * deploy/rbac's grants. KEDA's own ScaledObject CRD (test/fixtures/crds/keda, v2.21.0) is registered, so
 * its structural schema and CEL rule judge every object Aviary writes. No KEDA operator runs here: what
 * is checked is what Aviary writes (the primary copy, the pause annotation, the replica counts), which is
 * what KEDA acts on. With no operator, nothing but Aviary writes a ScaledObject, so an unchanged
 * resourceVersion shows that a call wrote nothing.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import type { Canary } from '../../src/api/types.js';
import type { Readiness } from '../../src/engine/ports.js';
import { MERGE_PATCH, plain } from '../../src/kube/client.js';
import { retryOnConflict } from '../../src/kube/failure.js';
import { deploymentTarget } from '../../src/targets/kubernetes/deployment-target.js';
import {
  PAUSED_REPLICAS_ANNOTATION,
  type ScaledObject,
} from '../../src/targets/kubernetes/primary-scaled-object.js';
import { REPLICAS_ANNOTATION } from '../../src/targets/kubernetes/replicas.js';
import { canaryFor, deploymentFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import { targetTest } from './target-test.js';

// Readiness waits on the real deployment controller and KWOK of a cluster shared with other test runs.
vi.setConfig({ testTimeout: 300_000 });

const env = targetTest((controller) =>
  // Config tracking is the Deployment target's own concern (test/targets/deployment-target.test.ts).
  deploymentTarget(controller, { rolloutId: () => 'rollout', configTracking: false }),
);

const KEDA = { group: 'keda.sh', version: 'v1alpha1', plural: 'scaledobjects' };

/** The user's ScaledObject for podinfo, with every field the primary copy carries. */
const userScaledObject = (ns: string): ScaledObject => ({
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'ScaledObject',
  metadata: {
    name: 'podinfo',
    namespace: ns,
    labels: { team: 'web' },
    annotations: { 'scaledobject.keda.sh/transfer-hpa-ownership': 'true' },
  },
  spec: {
    scaleTargetRef: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'podinfo',
      envSourceContainerName: 'podinfod',
    },
    pollingInterval: 15,
    cooldownPeriod: 120,
    idleReplicaCount: 0,
    minReplicaCount: 3,
    maxReplicaCount: 10,
    advanced: {
      restoreToOriginalReplicaCount: true,
      horizontalPodAutoscalerConfig: {
        name: 'podinfo-hpa',
        behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      },
    },
    fallback: { failureThreshold: 3, replicas: 4 },
    triggers: [
      {
        type: 'prometheus',
        name: 'requests',
        metadata: {
          serverAddress: 'http://prometheus.monitoring:9090',
          query: 'sum(rate(http_requests_total{app="podinfo-canary", svc="podinfo"}[1m]))',
          threshold: '100',
        },
      },
      {
        type: 'prometheus',
        name: 'latency',
        metadata: {
          serverAddress: 'http://prometheus.monitoring:9090',
          query: 'histogram_quantile(0.99, sum(rate(latency_bucket{app="podinfo"}[1m])) by (le))',
          threshold: '0.5',
        },
      },
      { type: 'cpu', metricType: 'Utilization', metadata: { value: '80' } },
    ],
  },
});

const LATENCY_FOR_PRIMARY =
  'histogram_quantile(0.99, sum(rate(latency_bucket{deployment="podinfo-primary"}[1m])) by (le))';

/** A namespace with podinfo (2 replicas), its ScaledObject and a real Canary (the copies' owner). */
async function world(autoscalerRef: Partial<NonNullable<Canary['spec']['autoscalerRef']>> = {}) {
  const ns = await env.newNamespace('keda-target');
  await env.admin.apps.createNamespacedDeployment({ namespace: ns, body: deploymentFor(ns, 'podinfo', 2) });
  await env.admin.custom.createNamespacedCustomObject({ ...KEDA, namespace: ns, body: userScaledObject(ns) });
  const canary = await env.createCanary(
    canaryFor(ns, 'podinfo', {
      autoscalerRef: {
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        name: 'podinfo',
        ...autoscalerRef,
      },
    }),
  );
  return { ns, canary };
}

const scaledObject = async (ns: string, name: string) =>
  (await env.admin.custom.getNamespacedCustomObject({ ...KEDA, namespace: ns, name })) as ScaledObject;

async function editScaledObject(ns: string, edit: (so: ScaledObject) => void) {
  await retryOnConflict(async () => {
    const so = await scaledObject(ns, 'podinfo');
    edit(so);
    await env.admin.custom.replaceNamespacedCustomObject({
      ...KEDA,
      namespace: ns,
      name: 'podinfo',
      body: so,
    });
  });
}

const deployment = async (ns: string, name: string) =>
  plain<V1Deployment>(await env.admin.apps.readNamespacedDeployment({ name, namespace: ns }));

/** initialize until the primary is ready (the target is then scaled to zero), bounded against a hang. */
async function initialized(canary: Canary): Promise<void> {
  const deadline = Date.now() + 240_000;
  let result: Readiness;
  do {
    result = await env.target.initialize(canary);
    if (result.ready) return;
    await new Promise((r) => setTimeout(r, 250));
  } while (result.retriable && Date.now() < deadline);
  expect(result).toEqual({ ready: true });
}

describe('deploymentTarget with a KEDA ScaledObject', () => {
  it('initialize writes <so>-primary for the primary, as the KEDA CRD accepts it, and pauses the user one at zero', async () => {
    const { ns, canary } = await world({
      primaryScalerQueries: { latency: LATENCY_FOR_PRIMARY },
      primaryScalerReplicas: { maxReplicas: 6 },
    });
    await initialized(canary);

    const copy = await scaledObject(ns, 'podinfo-primary');
    expect(copy.metadata.labels).toEqual({ team: 'web' });
    expect(copy.metadata.annotations).toEqual({ 'scaledobject.keda.sh/transfer-hpa-ownership': 'true' });
    expect(copy.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Canary',
        name: 'podinfo',
        uid: canary.metadata.uid,
        controller: true,
      }),
    ]);
    const user = userScaledObject(ns).spec;
    expect(copy.spec).toEqual({
      ...user,
      scaleTargetRef: { ...user.scaleTargetRef, name: 'podinfo-primary' },
      maxReplicaCount: 6,
      advanced: {
        restoreToOriginalReplicaCount: true,
        horizontalPodAutoscalerConfig: {
          name: 'podinfo-hpa-primary',
          behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
        },
      },
      // KEDA's CRD defaults fallback.behavior, on the user's object and so on the copy.
      fallback: { failureThreshold: 3, replicas: 4, behavior: 'static' },
      triggers: [
        {
          ...user.triggers[0],
          metadata: {
            ...user.triggers[0]?.metadata,
            query: 'sum(rate(http_requests_total{app="podinfo-primary", svc="podinfo-primary"}[1m]))',
          },
        },
        { ...user.triggers[1], metadata: { ...user.triggers[1]?.metadata, query: LATENCY_FOR_PRIMARY } },
        user.triggers[2],
      ],
    });

    // The primary took over: the target is at zero and the user's ScaledObject is held there.
    expect((await deployment(ns, 'podinfo')).spec?.replicas).toBe(0);
    const paused = await scaledObject(ns, 'podinfo');
    expect(paused.metadata.annotations?.[PAUSED_REPLICAS_ANNOTATION]).toBe('0');
    expect(paused.spec.scaleTargetRef.name).toBe('podinfo');

    // Another tick writes neither ScaledObject.
    await env.target.initialize(canary);
    expect((await scaledObject(ns, 'podinfo')).metadata.resourceVersion).toBe(
      paused.metadata.resourceVersion,
    );
    expect((await scaledObject(ns, 'podinfo-primary')).metadata.resourceVersion).toBe(
      copy.metadata.resourceVersion,
    );
  });

  it('scaling the canary up resumes the user ScaledObject at its minReplicaCount; scaling to zero pauses it again', async () => {
    const { ns, canary } = await world();
    await initialized(canary);
    // Without a remembered count the canary starts at the ScaledObject's minReplicaCount (3), not at 1.
    await env.admin.apps.patchNamespacedDeployment(
      {
        name: 'podinfo',
        namespace: ns,
        body: { metadata: { annotations: { [REPLICAS_ANNOTATION]: null } } },
      },
      MERGE_PATCH,
    );
    await env.target.scaleCanaryUp(canary);
    expect((await deployment(ns, 'podinfo')).spec?.replicas).toBe(3);
    const resumed = await scaledObject(ns, 'podinfo');
    expect(resumed.metadata.annotations).not.toHaveProperty(PAUSED_REPLICAS_ANNOTATION);
    expect(resumed.metadata.annotations).toEqual({ 'scaledobject.keda.sh/transfer-hpa-ownership': 'true' });
    await env.target.scaleCanaryUp(canary);
    expect((await scaledObject(ns, 'podinfo')).metadata.resourceVersion).toBe(
      resumed.metadata.resourceVersion,
    );

    await env.target.scaleCanaryToZero(canary);
    expect((await deployment(ns, 'podinfo')).spec?.replicas).toBe(0);
    const paused = await scaledObject(ns, 'podinfo');
    expect(paused.metadata.annotations?.[PAUSED_REPLICAS_ANNOTATION]).toBe('0');
    await env.target.scaleCanaryToZero(canary);
    expect((await scaledObject(ns, 'podinfo')).metadata.resourceVersion).toBe(
      paused.metadata.resourceVersion,
    );
  });

  it('promotion brings <so>-primary in step with the user ScaledObject; finalize resumes the user one', async () => {
    const { ns, canary } = await world();
    await initialized(canary);
    await editScaledObject(ns, (so) => {
      so.spec.pollingInterval = 30;
      so.spec.maxReplicaCount = 12;
      so.metadata.labels = { team: 'payments' };
      const requests = so.spec.triggers[0];
      if (requests) requests.metadata.query = 'sum(rate(http_requests_total{app="podinfo"}[5m]))';
    });

    await env.target.promote(canary);
    const copy = await scaledObject(ns, 'podinfo-primary');
    expect(copy.spec).toMatchObject({ pollingInterval: 30, maxReplicaCount: 12, minReplicaCount: 3 });
    expect(copy.spec.triggers[0]?.metadata.query).toBe(
      'sum(rate(http_requests_total{app="podinfo-primary"}[5m]))',
    );
    expect(copy.metadata.labels).toEqual({ team: 'payments' });
    // The user's ScaledObject is paused right now; the copy scales the primary and must not be.
    expect(copy.metadata.annotations).not.toHaveProperty(PAUSED_REPLICAS_ANNOTATION);
    // The primary's copy owns the primary's replica count: promotion leaves it alone.
    expect((await deployment(ns, 'podinfo-primary')).spec?.replicas).toBe(2);

    await env.target.finalize(canary);
    expect((await scaledObject(ns, 'podinfo')).metadata.annotations).not.toHaveProperty(
      PAUSED_REPLICAS_ANNOTATION,
    );
    expect((await deployment(ns, 'podinfo')).spec?.replicas).toBe(2);
  });

  it("reports KEDA's own refusal of primaryScalerReplicas that break min <= max", async () => {
    const { ns, canary } = await world({ primaryScalerReplicas: { minReplicas: 11 } });
    await expect(env.target.initialize(canary)).rejects.toThrow(
      /writing ScaledObject .*\/podinfo-primary: 422 Invalid: .*minReplicaCount must be less than or equal to maxReplicaCount/,
    );
    await expect(scaledObject(ns, 'podinfo-primary')).rejects.toThrow();
  });

  it('names the fix when the ScaledObject autoscalerRef names is missing', async () => {
    const { ns, canary } = await world({ name: 'missing' });
    await expect(env.target.initialize(canary)).rejects.toThrow(
      `ScaledObject ${ns}/missing named by autoscalerRef not found — create it or remove autoscalerRef`,
    );
  });
});
