/**
 * The DaemonSet workload target (Flagger's DaemonSetController): the user's DaemonSet is the canary and
 * Aviary owns `<name>-primary`. A DaemonSet has no replica count, so "scaled to zero" means its pods
 * carry a node selector no node matches: the DaemonSet controller then runs them nowhere. That selector
 * is Aviary's, never part of a revision and never copied to the primary.
 */
import type { V1DaemonSet, V1PodTemplateSpec } from '@kubernetes/client-node';
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
import { daemonSetReadiness } from './daemonset-readiness.js';
import type { DeploymentTargetOptions } from './deployment-target.js';
import { digest } from './digest.js';
import { primaryMetadata, primaryPodTemplate } from './primary-deployment.js';
import { selectorLabelOf as selectorOf } from '../../kube/selector-label.js';
import { DAEMONSETS, workloadObjects } from './workload-objects.js';

/** The node selector that keeps a scaled-to-zero DaemonSet's pods off every node. */
export const SCALE_TO_ZERO_NODE_SELECTOR = 'aviary.dev/scale-to-zero';

/** The DaemonSet's pod template as the user wrote it: without Aviary's scale-to-zero node selector. */
export function userTemplate(ds: V1DaemonSet): V1PodTemplateSpec {
  const template = structuredClone(ds.spec?.template ?? {});
  const selector = template.spec?.nodeSelector;
  if (template.spec && selector && SCALE_TO_ZERO_NODE_SELECTOR in selector) {
    delete selector[SCALE_TO_ZERO_NODE_SELECTOR];
    if (Object.keys(selector).length === 0) delete template.spec.nodeSelector;
  }
  return template;
}

const TAKEOVER_PHASES = new Set([undefined, 'Initializing']);

export function daemonSetTarget(clients: KubeClients, options: DeploymentTargetOptions = {}): WorkloadTarget {
  const now = options.now ?? Date.now;
  const selectorLabelOf = (ds: V1DaemonSet) => selectorOf(ds, options.selectorLabels);
  const trackedConfigs: typeof trackConfigs = (...args) =>
    options.configTracking === false ? Promise.resolve([]) : trackConfigs(...args);

  const daemonSets = workloadObjects(clients, DAEMONSETS);
  const { readTarget, readPrimary } = daemonSets;

  const readiness = (canary: Canary, ds: V1DaemonSet, percent: number | undefined): Readiness =>
    daemonSetReadiness(ds, {
      thresholdPercent: readyThreshold(percent),
      deadlineMs: progressDeadlineMs(canary.spec),
      nowMs: now(),
      sinceMs: new Date(canary.status?.lastTransitionTime ?? now()).getTime(),
    });

  /** Sets (`true`) or removes (`null`) the scale-to-zero node selector on the target, if it changes anything. */
  const setScaledToZero = (canary: Canary, scaledToZero: boolean) =>
    daemonSets.patch(canary, canary.spec.targetRef.name, (current) => {
      const has = SCALE_TO_ZERO_NODE_SELECTOR in (current.spec?.template.spec?.nodeSelector ?? {});
      if (has === scaledToZero) return undefined;
      const nodeSelector = { [SCALE_TO_ZERO_NODE_SELECTOR]: scaledToZero ? 'true' : null };
      return { spec: { template: { spec: { nodeSelector } } } };
    });

  /** The primary's spec fields Flagger carries from the target, besides the template. */
  const copiedSpec = (target: V1DaemonSet) => ({
    ...(target.spec?.minReadySeconds !== undefined && { minReadySeconds: target.spec.minReadySeconds }),
    ...(target.spec?.revisionHistoryLimit !== undefined && {
      revisionHistoryLimit: target.spec.revisionHistoryLimit,
    }),
    ...(target.spec?.updateStrategy !== undefined && {
      updateStrategy: structuredClone(target.spec.updateStrategy),
    }),
  });

  /** The primary's pod template from the target's, with config copies and without the scale-to-zero selector. */
  async function primaryTemplate(canary: Canary, target: V1DaemonSet): Promise<V1PodTemplateSpec> {
    const namespace = namespaceOf(canary);
    const template = userTemplate(target);
    const podSpec = template.spec;
    if (!podSpec)
      throw new AviaryError('INVALID_SPEC', `daemonset ${target.metadata?.name ?? '?'} has no pod spec`);
    const tracked = await trackedConfigs(clients, namespace, podSpec, canary.spec.targetRef.name);
    // Config copies first: a primary created before them would have pods stuck on missing volumes.
    await copyConfigsToPrimary(clients, canary, namespace, tracked);
    const user = { ...target, spec: { ...target.spec!, template } };
    return primaryPodTemplate(
      user,
      selectorLabelOf(target),
      primaryPodSpec(podSpec, tracked),
      options.rolloutId?.(),
    );
  }

  async function createPrimary(canary: Canary, target: V1DaemonSet): Promise<V1DaemonSet> {
    const sel = selectorLabelOf(target);
    const body: V1DaemonSet = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: primaryMetadata(canary, target, sel, options.includeLabelPrefixes),
      spec: {
        ...copiedSpec(target),
        selector: { matchLabels: { [sel.label]: `${sel.value}-primary` } },
        template: await primaryTemplate(canary, target),
      },
    };
    return daemonSets.createPrimary(canary, body);
  }

  return {
    async initialize(canary) {
      const target = await readTarget(canary);
      const selector = selectorLabelOf(target); // fail early, with the fix, before anything is written
      const primary = (await readPrimary(canary)) ?? (await createPrimary(canary, target));
      const ready = readiness(canary, primary, canary.spec.analysis.primaryReadyThreshold);
      if (ready.ready && TAKEOVER_PHASES.has(canary.status?.phase)) {
        await options.beforeScaleToZero?.(canary, selector);
        await setScaledToZero(canary, true);
      }
      return ready;
    },

    async revision(canary): Promise<Revision> {
      const template = userTemplate(await readTarget(canary));
      const tracked = template.spec
        ? await trackedConfigs(clients, namespaceOf(canary), template.spec, canary.spec.targetRef.name)
        : [];
      return { spec: digest(template), trackedConfigs: checksums(tracked) };
    },

    async primaryReadiness(canary) {
      const primary = await readPrimary(canary);
      if (!primary) return daemonSets.primaryMissing(canary);
      return readiness(canary, primary, canary.spec.analysis.primaryReadyThreshold);
    },

    async canaryReadiness(canary) {
      return readiness(canary, await readTarget(canary), canary.spec.analysis.canaryReadyThreshold);
    },

    scaleCanaryUp: (canary) => setScaledToZero(canary, false),
    scaleCanaryToZero: (canary) => setScaledToZero(canary, true),

    async promote(canary) {
      const target = await readTarget(canary);
      const template = await primaryTemplate(canary, target);
      const meta = primaryMetadata(canary, target, selectorLabelOf(target), options.includeLabelPrefixes);
      await daemonSets.replacePrimary(canary, meta, (spec) => ({ ...spec, ...copiedSpec(target), template }));
    },

    // revertOnDeletion: the target runs on its nodes again; the primary is garbage-collected with the Canary.
    finalize: (canary) => setScaledToZero(canary, false),
  };
}
