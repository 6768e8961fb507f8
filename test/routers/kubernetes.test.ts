import { deploymentFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import { runRouterContract } from './contract.js';

const service = (name: string) => ({ apiVersion: 'v1', kind: 'Service', plural: 'services', name });

// Blue/green only: the Services, no split. The apex appears once primary pods serve, which this world has none of.
runRouterContract({
  provider: 'kubernetes',
  async setup({ admin, namespace }) {
    await admin.apps.createNamespacedDeployment({ namespace, body: deploymentFor(namespace) });
    return { objects: [service('podinfo-primary'), service('podinfo-canary')] };
  },
});
