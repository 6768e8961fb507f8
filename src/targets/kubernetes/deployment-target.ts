/**
 * The Deployment workload target (Flagger's DeploymentController): the user's Deployment is the canary,
 * Aviary owns `<name>-primary`, which runs the last promoted revision and takes the traffic in between.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import { progressDeadlineMs, readyThreshold, namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import type { Readiness, Revision, WorkloadTarget } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import type { KubeClients } from '../../kube/client.js';
import {
  checksums,
  copyConfigsToPrimary,
  primaryPodSpec,
  trackedConfigs as trackConfigs,
} from './config-tracker.js';
import { autoscalerFor } from './autoscaler.js';
import { digest } from './digest.js';
import { primaryName } from './metadata.js';
import { newPrimaryDeployment, primaryMetadata, primaryPodTemplate } from './primary-deployment.js';
import { deploymentReadiness } from './readiness.js';
import { REPLICAS_ANNOTATION, rememberedReplicas, scaleUpReplicas } from './replicas.js';
import { selectorLabelOf as selectorOf, type SelectorLabel } from '../../kube/selector-label.js';
import { DEPLOYMENTS, workloadObjects } from './workload-objects.js';

export interface DeploymentTargetOptions {
  /** Clock for the progress deadline (ms since the epoch). */
  now?: () => number;
  /** Value of the pod-template annotation that forces the primary to roll out on promotion. */
  rolloutId?: () => string;
  /**
   * Runs once the primary is ready, just before the target is scaled to zero during initialization.
   * Pass the Services reconcile here (`reconcileServices` from routers/kubernetes) so that the apex
   * Service selects the primary's pods before the target's pods go — Flagger's order, with no gap.
   */
  beforeScaleToZero?: (canary: Canary, selector: SelectorLabel) => Promise<void>;
  /** -selector-labels: the labels that tell the target's pods from the primary's, in order. */
  selectorLabels?: readonly string[];
  /** -enable-config-tracking (default true): copy and track the ConfigMaps/Secrets the pods use. */
  configTracking?: boolean;
  /** -include-label-prefix: the target's labels copied onto the primary (default: all). */
  includeLabelPrefixes?: readonly string[];
}

/** Phases in which the target is still being taken over (Flagger scales it to zero only then). */
const TAKEOVER_PHASES = new Set([undefined, 'Initializing']);

export function deploymentTarget(
  clients: KubeClients,
  options: DeploymentTargetOptions = {},
): WorkloadTarget {
  const now = options.now ?? Date.now;
  const selectorLabelOf = (deployment: V1Deployment) => selectorOf(deployment, options.selectorLabels);
  // Without config tracking the primary uses the target's ConfigMaps and Secrets as they are (Flagger).
  const trackedConfigs: typeof trackConfigs = (...args) =>
    options.configTracking === false ? Promise.resolve([]) : trackConfigs(...args);

  const deployments = workloadObjects(clients, DEPLOYMENTS);
  const { readTarget, readPrimary } = deployments;

  const autoscalerOf = (canary: Canary) =>
    autoscalerFor({ clients, canary, includeLabelPrefixes: options.includeLabelPrefixes });

  /** The autoscaler's part in a replica count (scaleUpReplicas), read from the user's autoscaler. */
  async function autoscalerFacts(canary: Canary) {
    const autoscaler = autoscalerOf(canary);
    return autoscaler && { minReplicas: await autoscaler.minReplicas() };
  }

  const rule = (canary: Canary, percent: number | undefined) => ({
    thresholdPercent: readyThreshold(percent),
    deadlineMs: progressDeadlineMs(canary.spec),
    nowMs: now(),
  });

  async function scaleTargetToZero(canary: Canary): Promise<void> {
    // A ScaledObject would scale the target straight back up (Flagger's PauseTargetScaler).
    await autoscalerOf(canary)?.pause();
    await deployments.patch(canary, canary.spec.targetRef.name, (target) => {
      const replicas = target.spec?.replicas ?? 1;
      if (replicas === 0) return undefined;
      return {
        metadata: { annotations: { [REPLICAS_ANNOTATION]: String(replicas) } },
        spec: { replicas: 0 },
      };
    });
  }

  async function createPrimary(canary: Canary, target: V1Deployment): Promise<V1Deployment> {
    const namespace = namespaceOf(canary);
    const sel = selectorLabelOf(target);
    const podSpec = target.spec?.template.spec;
    if (!podSpec)
      throw new AviaryError('INVALID_SPEC', `deployment ${target.metadata?.name ?? '?'} has no pod spec`);
    const tracked = await trackedConfigs(clients, namespace, podSpec, target.metadata?.name ?? '');
    // Config copies first: a primary created before them would have pods stuck on missing volumes.
    await copyConfigsToPrimary(clients, canary, namespace, tracked);
    const autoscaler = await autoscalerFacts(canary);
    const body = newPrimaryDeployment(
      canary,
      target,
      sel,
      primaryPodTemplate(target, sel, primaryPodSpec(podSpec, tracked), options.rolloutId?.()),
      scaleUpReplicas({ target, autoscaler }),
      options.includeLabelPrefixes,
    );
    return deployments.createPrimary(canary, body);
  }

  return {
    async initialize(canary) {
      const target = await readTarget(canary);
      const selector = selectorLabelOf(target); // fail early, with the fix, before anything is written
      const primary = (await readPrimary(canary)) ?? (await createPrimary(canary, target));
      await autoscalerOf(canary)?.reconcilePrimary(primary.metadata?.name ?? '');
      const readiness = deploymentReadiness(
        primary,
        rule(canary, canary.spec.analysis.primaryReadyThreshold),
      );
      // The target keeps serving until the primary can take over; later phases own the target's scale.
      if (readiness.ready && TAKEOVER_PHASES.has(canary.status?.phase)) {
        await options.beforeScaleToZero?.(canary, selector);
        await scaleTargetToZero(canary);
      }
      return readiness;
    },

    async revision(canary): Promise<Revision> {
      const target = await readTarget(canary);
      const podSpec = target.spec?.template.spec;
      const tracked = podSpec
        ? await trackedConfigs(clients, namespaceOf(canary), podSpec, canary.spec.targetRef.name)
        : [];
      return { spec: digest(target.spec?.template ?? {}), trackedConfigs: checksums(tracked) };
    },

    async primaryReadiness(canary): Promise<Readiness> {
      const primary = await readPrimary(canary);
      if (!primary) return deployments.primaryMissing(canary);
      return deploymentReadiness(primary, rule(canary, canary.spec.analysis.primaryReadyThreshold));
    },

    async canaryReadiness(canary): Promise<Readiness> {
      return deploymentReadiness(
        await readTarget(canary),
        rule(canary, canary.spec.analysis.canaryReadyThreshold),
      );
    },

    async scaleCanaryUp(canary) {
      // The user's ScaledObject takes the canary back (Flagger's ResumeTargetScaler).
      await autoscalerOf(canary)?.resume();
      const primary = canary.spec.autoscalerRef ? undefined : await readPrimary(canary);
      const autoscaler = await autoscalerFacts(canary);
      await deployments.patch(canary, canary.spec.targetRef.name, (target) => {
        if ((target.spec?.replicas ?? 0) > 0) return undefined;
        return { spec: { replicas: scaleUpReplicas({ target, primary, autoscaler }) } };
      });
    },

    scaleCanaryToZero: scaleTargetToZero,

    async promote(canary) {
      const namespace = namespaceOf(canary);
      const target = await readTarget(canary);
      const sel = selectorLabelOf(target);
      const podSpec = target.spec?.template.spec;
      if (!podSpec)
        throw new AviaryError('INVALID_SPEC', `deployment ${target.metadata?.name ?? '?'} has no pod spec`);
      const tracked = await trackedConfigs(clients, namespace, podSpec, canary.spec.targetRef.name);
      await copyConfigsToPrimary(clients, canary, namespace, tracked);
      const template = primaryPodTemplate(
        target,
        sel,
        primaryPodSpec(podSpec, tracked),
        options.rolloutId?.(),
      );
      const meta = primaryMetadata(canary, target, sel, options.includeLabelPrefixes);
      await deployments.replacePrimary(canary, meta, (primary) => {
        const spec = { ...primary, template };
        const from = target.spec;
        if (from?.progressDeadlineSeconds !== undefined)
          spec.progressDeadlineSeconds = from.progressDeadlineSeconds;
        if (from?.minReadySeconds !== undefined) spec.minReadySeconds = from.minReadySeconds;
        if (from?.revisionHistoryLimit !== undefined) spec.revisionHistoryLimit = from.revisionHistoryLimit;
        if (from?.strategy !== undefined) spec.strategy = from.strategy;
        // With an autoscaler the primary's copy of it (HPA or ScaledObject) owns its replica count.
        const replicas = (from?.replicas ?? 0) > 0 ? from?.replicas : rememberedReplicas(target);
        if (!canary.spec.autoscalerRef && replicas) spec.replicas = replicas;
        return spec;
      });
      const name = primaryName(canary.spec.targetRef.name);
      await autoscalerOf(canary)?.reconcilePrimary(name);
    },

    async finalize(canary) {
      // Flagger's Finalize: the target gets the primary's replica count back. The primary, its autoscaler
      // copy and the config copies are owned by the Canary and garbage-collected once the Canary is gone,
      // which keeps the primary serving until the target is ready and the routers have been reverted. The
      // user's ScaledObject is resumed first, so the target is not left paused at zero (Flagger's finalizer).
      await autoscalerOf(canary)?.resume();
      const primary = await readPrimary(canary);
      const autoscaler = await autoscalerFacts(canary);
      await deployments.patch(canary, canary.spec.targetRef.name, (target) => {
        const primaryReplicas = primary?.spec?.replicas ?? 0;
        const replicas = primaryReplicas > 0 ? primaryReplicas : scaleUpReplicas({ target, autoscaler });
        const remembered = target.metadata?.annotations?.[REPLICAS_ANNOTATION] !== undefined;
        if (target.spec?.replicas === replicas && !remembered) return undefined;
        return { metadata: { annotations: { [REPLICAS_ANNOTATION]: null } }, spec: { replicas } };
      });
    },
  };
}
