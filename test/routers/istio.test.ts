import type { KubeObject } from '../harness/index.js';
import { istioRouter } from '../../src/routers/istio/router.js';
import { withServices } from '../../src/routers/kubernetes/index.js';
import { deploymentFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import { runRouterContract } from './contract.js';

const virtualService = { resource: 'virtualservices.networking.istio.io', name: 'podinfo' };

runRouterContract({
  name: 'istio',
  provider: 'istio',
  capabilities: { match: true, mirror: true, sessionAffinity: true },
  crdDirs: ['/work/shared/crds/istio'],
  // As kube-ports wires it: the ClusterIP Services first, then the mesh objects.
  router: (clients) => withServices(clients, istioRouter(clients)),
  setup({ server, namespace }) {
    server.create(deploymentFor(namespace) as unknown as KubeObject);
    return {
      objects: [
        virtualService,
        { resource: 'destinationrules.networking.istio.io', name: 'podinfo-primary' },
        { resource: 'destinationrules.networking.istio.io', name: 'podinfo-canary' },
        { resource: 'services', name: 'podinfo-primary' },
        { resource: 'services', name: 'podinfo-canary' },
      ],
      weighted: virtualService,
    };
  },
});
