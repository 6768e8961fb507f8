import { NetworkingV1Api } from '@kubernetes/client-node';
import { runRouterContract } from './contract.js';

const canaryIngress = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  plural: 'ingresses',
  name: 'podinfo-canary',
};

runRouterContract({
  provider: 'skipper',
  async setup({ admin, namespace }) {
    await admin.config.makeApiClient(NetworkingV1Api).createNamespacedIngress({
      namespace,
      body: {
        metadata: {
          name: 'podinfo',
          namespace,
          labels: { app: 'podinfo' },
          annotations: { 'zalando.org/skipper-predicate': 'Method("GET")' },
        },
        spec: {
          ingressClassName: 'skipper',
          rules: [
            {
              host: 'app.example.com',
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: { service: { name: 'podinfo', port: { number: 9898 } } },
                  },
                ],
              },
            },
          ],
        },
      },
    });
    return {
      spec: { ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'podinfo' } },
      objects: [canaryIngress],
      weighted: canaryIngress,
    };
  },
});
