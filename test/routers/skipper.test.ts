import { runRouterContract } from './contract.js';
import { USER_INGRESS_REF, createUserIngress } from './user-ingress.js';

const canaryIngress = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  plural: 'ingresses',
  name: 'podinfo-canary',
};

runRouterContract({
  provider: 'skipper',
  async setup({ admin, namespace }) {
    await createUserIngress(
      admin,
      namespace,
      { 'zalando.org/skipper-predicate': 'Method("GET")' },
      'skipper',
    );
    return {
      spec: { ingressRef: USER_INGRESS_REF },
      objects: [canaryIngress],
      weighted: canaryIngress,
    };
  },
});
