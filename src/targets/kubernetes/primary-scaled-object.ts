/**
 * The KEDA ScaledObject as the target's autoscaler (Flagger's scaled_object_reconciler.go): `<so>-primary`
 * is a copy of the user's ScaledObject that scales `<target>-primary` on the primary's own metrics. KEDA,
 * unlike an HPA, scales a Deployment up from zero, so while Aviary holds the target at zero the user's
 * ScaledObject is paused there (`autoscaling.keda.sh/paused-replicas: "0"`), and resumed for the canary.
 */
import { namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import { AviaryError } from '../../errors.js';
import type { KubeClients } from '../../kube/client.js';
import { retryOnConflict, toKubeError } from '../../kube/failure.js';
import { customObjectApi, type RoutingObject } from '../../routers/shared/routing-object.js';
import type { Autoscaler, AutoscalerContext } from './autoscaler.js';
import { copyMetadata, readUserAutoscaler, reconcileCopy } from './primary-copy.js';
import { primaryName } from './metadata.js';

/** KEDA holds the scale target at this many replicas while the annotation is set. */
export const PAUSED_REPLICAS_ANNOTATION = 'autoscaling.keda.sh/paused-replicas';

export interface ScaleTrigger {
  type: string;
  name?: string;
  metadata: Record<string, string>;
  [field: string]: unknown;
}

/** The fields of keda.sh/v1alpha1 ScaledObject's spec the copy carries (the rest are KEDA's own). */
export interface ScaledObjectSpec {
  scaleTargetRef: { name: string; apiVersion?: string; kind?: string; envSourceContainerName?: string };
  pollingInterval?: number;
  cooldownPeriod?: number;
  initialCooldownPeriod?: number;
  idleReplicaCount?: number;
  minReplicaCount?: number;
  maxReplicaCount?: number;
  advanced?: {
    horizontalPodAutoscalerConfig?: { name?: string; [field: string]: unknown };
    [field: string]: unknown;
  };
  triggers: ScaleTrigger[];
  fallback?: Record<string, unknown>;
}

export type ScaledObject = RoutingObject<ScaledObjectSpec>;

const scaledObjects = (clients: KubeClients) =>
  customObjectApi<ScaledObject>(clients, {
    group: 'keda.sh',
    version: 'v1alpha1',
    plural: 'scaledobjects',
    kind: 'ScaledObject',
  });

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Flagger's rewrite of a trigger query for the primary: `<target>` and `<target>-canary` both become
 * `<target>-primary`, in one pass so that nothing is rewritten twice.
 */
export function primaryQuery(query: string, target: string): string {
  return query.replace(new RegExp(`${escapeRegExp(target)}(?:-canary)?`, 'g'), primaryName(target));
}

/**
 * The primary's triggers: each `metadata.query` rewritten for the primary, or, for a trigger named in
 * `primaryScalerQueries`, the query given there. A name there that matches no trigger is refused: the
 * primary would silently scale on the rewritten query instead.
 */
function primaryTriggers(canary: Canary, source: ScaledObject): ScaleTrigger[] {
  const given = canary.spec.autoscalerRef?.primaryScalerQueries ?? {};
  const names = new Set(source.spec.triggers.map((t) => t.name));
  const unmatched = Object.keys(given).filter((name) => !names.has(name));
  if (unmatched.length)
    throw new AviaryError(
      'INVALID_SPEC',
      `spec.autoscalerRef.primaryScalerQueries names ${unmatched.join(', ')}, which no trigger of ScaledObject ${source.metadata.name} is called — set triggers[].name on the ScaledObject or fix the key`,
    );
  return source.spec.triggers.map((trigger) => {
    const copy = structuredClone(trigger);
    if (trigger.name !== undefined && Object.hasOwn(given, trigger.name))
      copy.metadata = { ...copy.metadata, query: given[trigger.name] ?? '' };
    else if (copy.metadata.query !== undefined)
      copy.metadata.query = primaryQuery(copy.metadata.query, canary.spec.targetRef.name);
    return copy;
  });
}

export function primaryScaledObject(
  canary: Canary,
  source: ScaledObject,
  primaryDeployment: string,
  includeLabelPrefixes?: readonly string[],
): ScaledObject {
  const from = source.spec;
  const overrides = canary.spec.autoscalerRef?.primaryScalerReplicas ?? {};
  const spec: ScaledObjectSpec = {
    scaleTargetRef: { ...from.scaleTargetRef, name: primaryDeployment },
    pollingInterval: from.pollingInterval,
    cooldownPeriod: from.cooldownPeriod,
    initialCooldownPeriod: from.initialCooldownPeriod,
    idleReplicaCount: from.idleReplicaCount,
    minReplicaCount: overrides.minReplicas ?? from.minReplicaCount,
    maxReplicaCount: overrides.maxReplicas ?? from.maxReplicaCount,
    advanced: structuredClone(from.advanced),
    triggers: primaryTriggers(canary, source),
    fallback: structuredClone(from.fallback),
  };
  // KEDA names the HPA it makes after the ScaledObject unless told a name; two copies must not share one.
  const hpaConfig = spec.advanced?.horizontalPodAutoscalerConfig;
  if (hpaConfig?.name) hpaConfig.name = primaryName(hpaConfig.name);
  const metadata = copyMetadata(canary, source.metadata, includeLabelPrefixes);
  // The pause is Aviary's hold on the user's ScaledObject, not part of what the primary copies.
  delete metadata.annotations[PAUSED_REPLICAS_ANNOTATION];
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata,
    spec: JSON.parse(JSON.stringify(spec)) as ScaledObjectSpec, // no undefined members: as the server stores it
  };
}

export function scaledObjectAutoscaler(context: AutoscalerContext, name: string): Autoscaler {
  const { clients, canary } = context;
  const api = scaledObjects(clients);
  const namespace = namespaceOf(canary);
  const readUsers = () => readUserAutoscaler(api, namespace, name);

  /** Sets (`"0"`) or removes the pause annotation on the user's ScaledObject; writes only a change. */
  async function setPaused(paused: boolean): Promise<void> {
    try {
      await retryOnConflict(async () => {
        const current = await readUsers();
        const annotations = { ...current.metadata.annotations };
        const held = annotations[PAUSED_REPLICAS_ANNOTATION];
        if (paused ? held === '0' : held === undefined) return;
        if (paused) annotations[PAUSED_REPLICAS_ANNOTATION] = '0';
        else delete annotations[PAUSED_REPLICAS_ANNOTATION];
        await api.replace(namespace, name, { ...current, metadata: { ...current.metadata, annotations } });
      });
    } catch (err) {
      if (err instanceof AviaryError) throw err;
      throw toKubeError(err, `${paused ? 'pausing' : 'resuming'} ScaledObject ${namespace}/${name}`);
    }
  }

  return {
    minReplicas: async () => (await readUsers()).spec.minReplicaCount,
    async reconcilePrimary(primaryDeployment) {
      const source = await readUsers();
      await reconcileCopy(
        api,
        primaryScaledObject(canary, source, primaryDeployment, context.includeLabelPrefixes),
      );
    },
    pause: () => setPaused(true),
    resume: () => setPaused(false),
  };
}
