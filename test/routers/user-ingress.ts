/** The user's Ingress an ingress router (nginx, skipper) copies: host app.example.com, `/` to the apex podinfo:9898. */
import { NetworkingV1Api } from '@kubernetes/client-node';
import type { KubeClients } from '../../src/kube/client.js';

export async function createUserIngress(
  admin: KubeClients,
  namespace: string,
  annotations: Record<string, string>,
  ingressClassName?: string,
): Promise<void> {
  await admin.config.makeApiClient(NetworkingV1Api).createNamespacedIngress({
    namespace,
    body: {
      metadata: { name: 'podinfo', namespace, labels: { app: 'podinfo' }, annotations },
      spec: userIngressSpec('podinfo', 9898, ingressClassName),
    },
  });
}

/** An Ingress spec sending host app.example.com, path `/`, to `service`:`port`. */
export function userIngressSpec(service: string, port: number, ingressClassName?: string) {
  return {
    ...(ingressClassName ? { ingressClassName } : {}),
    rules: [
      {
        host: 'app.example.com',
        http: {
          paths: [
            {
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name: service, port: { number: port } } },
            },
          ],
        },
      },
    ],
  };
}

/** spec.ingressRef naming that Ingress. */
export const USER_INGRESS_REF = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'podinfo' };
