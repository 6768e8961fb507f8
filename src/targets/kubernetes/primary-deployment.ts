/**
 * The primary Deployment as Aviary writes it: a copy of the target with the selector label's value
 * suffixed `-primary` (so the two sets of pods never overlap) and tracked configs renamed to their copies.
 */
import { randomUUID } from 'node:crypto';
import type { V1Deployment, V1LabelSelector, V1PodSpec, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { Canary } from '../../api/types.js';
import { ownerReferenceTo } from '../../kube/owner.js';
import { copyableAnnotations, copyableLabels, primaryName } from './metadata.js';
import type { SelectorLabel } from '../../kube/selector-label.js';

/** Pod-template annotation set on every promotion, so the primary always rolls out (Flagger's flagger-id). */
export const ROLLOUT_ID_ANNOTATION = 'aviary.dev/rollout-id';

const withPrimaryValue = (labels: Record<string, string> | undefined, sel: SelectorLabel) => ({
  ...labels,
  [sel.label]: `${sel.value}-primary`,
});

/** Anti-affinity and spread constraints that select the target's own pods must select the primary's instead. */
function rewriteSelector(selector: V1LabelSelector | undefined, sel: SelectorLabel): void {
  if (!selector) return;
  if (selector.matchLabels?.[sel.label] === sel.value)
    selector.matchLabels[sel.label] = `${sel.value}-primary`;
  for (const expr of selector.matchExpressions ?? []) {
    if (expr.key === sel.label && expr.values)
      expr.values = expr.values.map((v) => (v === sel.value ? `${sel.value}-primary` : v));
  }
}

function rewritePodSelectors(spec: V1PodSpec, sel: SelectorLabel): V1PodSpec {
  const copy = structuredClone(spec);
  for (const constraint of copy.topologySpreadConstraints ?? [])
    rewriteSelector(constraint.labelSelector, sel);
  const anti = copy.affinity?.podAntiAffinity;
  for (const term of anti?.requiredDuringSchedulingIgnoredDuringExecution ?? [])
    rewriteSelector(term.labelSelector, sel);
  for (const weighted of anti?.preferredDuringSchedulingIgnoredDuringExecution ?? [])
    rewriteSelector(weighted.podAffinityTerm.labelSelector, sel);
  return copy;
}

/** The primary's pod template from the target's, with `podSpec` already pointing at the config copies. */
export function primaryPodTemplate(
  target: V1Deployment,
  sel: SelectorLabel,
  podSpec: V1PodSpec,
  rolloutId: string = randomUUID(),
): V1PodTemplateSpec {
  const template = target.spec?.template;
  const metadata = structuredClone(template?.metadata ?? {});
  delete metadata.creationTimestamp;
  return {
    metadata: {
      ...metadata,
      labels: withPrimaryValue(metadata.labels, sel),
      annotations: { ...metadata.annotations, [ROLLOUT_ID_ANNOTATION]: rolloutId },
    },
    spec: rewritePodSelectors(podSpec, sel),
  };
}

/**
 * -include-label-prefix: only labels with one of these prefixes (`*` for all) are copied, as Flagger
 * filters them; without the flag every label is (Flux's excepted).
 */
export function includedLabels(
  labels: Record<string, string>,
  prefixes: readonly string[] | undefined,
): Record<string, string> {
  if (!prefixes) return labels;
  return Object.fromEntries(
    Object.entries(labels).filter(([key]) =>
      prefixes.some((p) => p === '*' || (p !== '' && key.startsWith(p))),
    ),
  );
}

/** Deployment metadata the primary carries from the target (refreshed on promotion). */
export function primaryMetadata(
  canary: Canary,
  target: V1Deployment,
  sel: SelectorLabel,
  includeLabelPrefixes?: readonly string[],
) {
  const labels = includedLabels(copyableLabels(target.metadata?.labels), includeLabelPrefixes);
  return {
    name: primaryName(target.metadata?.name ?? canary.spec.targetRef.name),
    namespace: target.metadata?.namespace,
    labels: withPrimaryValue(labels, sel),
    annotations: copyableAnnotations(target.metadata?.annotations),
    ownerReferences: ownerReferenceTo(canary),
  };
}

/** The primary Deployment written on first sight. */
export function newPrimaryDeployment(
  canary: Canary,
  target: V1Deployment,
  sel: SelectorLabel,
  template: V1PodTemplateSpec,
  replicas: number,
  includeLabelPrefixes?: readonly string[],
): V1Deployment {
  const spec = target.spec;
  const copied: Partial<NonNullable<V1Deployment['spec']>> = {};
  if (spec?.progressDeadlineSeconds !== undefined)
    copied.progressDeadlineSeconds = spec.progressDeadlineSeconds;
  if (spec?.minReadySeconds !== undefined) copied.minReadySeconds = spec.minReadySeconds;
  if (spec?.revisionHistoryLimit !== undefined) copied.revisionHistoryLimit = spec.revisionHistoryLimit;
  if (spec?.strategy !== undefined) copied.strategy = structuredClone(spec.strategy);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: primaryMetadata(canary, target, sel, includeLabelPrefixes),
    spec: {
      ...copied,
      replicas,
      selector: { matchLabels: { [sel.label]: `${sel.value}-primary` } },
      template,
    },
  };
}
