/**
 * Keep Flux from reverting or pruning what Aviary manages: Flagger puts these two annotations on every
 * object it writes (Services and routing objects), so a Kustomization or HelmRelease that also renders
 * it leaves the live weights alone.
 */
export const GITOPS_ANNOTATIONS: Readonly<Record<string, string>> = {
  'kustomize.toolkit.fluxcd.io/reconcile': 'disabled',
  'helm.toolkit.fluxcd.io/driftDetection': 'disabled',
};
