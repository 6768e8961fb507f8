/** The label that tells the target's pods from the primary's (Flagger's -selector-labels). */
import type { V1DaemonSet, V1Deployment } from '@kubernetes/client-node';
import { AviaryError } from '../errors.js';

/** Checked in order (unless -selector-labels says otherwise); the first in the target's matchLabels is used. */
export const SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'] as const;

export interface SelectorLabel {
  label: string;
  /** The target's value; the primary's pods carry `<value>-primary`. */
  value: string;
}

export function selectorLabelOf(
  workload: V1Deployment | V1DaemonSet,
  labels: readonly string[] = SELECTOR_LABELS,
): SelectorLabel {
  const matchLabels = workload.spec?.selector.matchLabels ?? {};
  for (const label of labels) {
    const value = matchLabels[label];
    if (value) return { label, value };
  }
  const name = workload.metadata?.name ?? '?';
  throw new AviaryError(
    'INVALID_SPEC',
    `${(workload.kind ?? 'Deployment').toLowerCase()} ${name}: spec.selector.matchLabels has none of ${labels.join(', ')} — add one (e.g. ${labels[0] ?? 'app'}: ${name}) to the selector and the pod template labels`,
  );
}
