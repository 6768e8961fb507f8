/**
 * A failed API call made for a person (the CLI's verbs, the dashboard's buttons): as toKubeError, but
 * a 403 points at the user roles of examples/kubernetes/release-operator-rbac.yaml, not at the
 * controller's, and a 404 with no Status body (the API server serves no such resource) says the CRD
 * is missing rather than the canary.
 */
import { AviaryError } from '../errors.js';
import { kubeFailure, toKubeError } from '../kube/failure.js';

export function callerKubeError(err: unknown, what: string): AviaryError {
  const failure = kubeFailure(err);
  if (failure?.code === 403) {
    return new AviaryError(
      'FORBIDDEN',
      `${what}: 403 Forbidden: ${failure.message} — bind your user to aviary-release-operator (or aviary-release-viewer) in this namespace: examples/kubernetes/release-operator-rbac.yaml; docs/cli.md lists what each verb needs`,
      { cause: err },
    );
  }
  if (failure?.code === 404 && failure.reason !== 'NotFound') {
    return new AviaryError(
      'NOT_FOUND',
      `${what}: the API server does not serve canaries.aviary.dev — install Aviary's CRDs (kubectl apply -k deploy/crds) or check --kubeconfig and --context`,
      { cause: err },
    );
  }
  return toKubeError(err, what);
}
