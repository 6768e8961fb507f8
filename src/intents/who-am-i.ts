/**
 * The user an intent names: what the API server knows the kubeconfig's credentials as
 * (SelfSubjectReview, authentication.k8s.io/v1, GA in Kubernetes 1.28), so a ServiceAccount token shows
 * as system:serviceaccount:<ns>:<name> rather than whatever the kubeconfig calls its user entry.
 */
import { AuthenticationV1Api } from '@kubernetes/client-node';
import { withTimeout } from '../kube/timeout.js';
import type { KubeClients } from '../kube/client.js';
import { callerKubeError } from './caller-error.js';
import { AviaryError } from '../errors.js';

export async function whoAmI(clients: KubeClients, timeoutMs: number): Promise<string> {
  const api = clients.config.makeApiClient(AuthenticationV1Api);
  try {
    const review = await api.createSelfSubjectReview(
      { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } },
      withTimeout(timeoutMs),
    );
    const username = review.status?.userInfo?.username;
    if (!username)
      throw new AviaryError('UNAVAILABLE', 'the API server returned a SelfSubjectReview without a username');
    return username;
  } catch (err) {
    throw callerKubeError(err, 'asking the API server who the kubeconfig user is (SelfSubjectReview)');
  }
}
