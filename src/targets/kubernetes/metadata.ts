/** Which labels and annotations Aviary carries from the user's objects onto the copies it owns. */
import { REPLICAS_ANNOTATION } from './replicas.js';

/**
 * Annotations never copied: kubectl's record of the user's manifest, GitOps tool state (Flagger), and
 * Aviary's own record of the target's replicas (it describes the target, not the copy).
 */
export function copyableAnnotations(annotations: Record<string, string> | undefined): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (key === 'kubectl.kubernetes.io/last-applied-configuration') continue;
    if (key.includes('toolkit.fluxcd.io')) continue;
    if (key === REPLICAS_ANNOTATION) continue;
    kept[key] = value;
  }
  return kept;
}

/** Labels never copied: Flux's ownership labels (a copy must not be pruned or adopted by Flux). */
export function copyableLabels(labels: Record<string, string> | undefined): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (key.includes('toolkit.fluxcd.io')) continue;
    kept[key] = value;
  }
  return kept;
}

export const primaryName = (name: string) => `${name}-primary`;
