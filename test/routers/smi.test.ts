import { smiRouter } from '../../src/routers/smi/index.js';
import { runRouterContract } from './contract.js';

const crdFiles = ['test/fixtures/crds/smi-trafficsplits.yaml'];
const trafficSplit = { resource: 'trafficsplits.split.smi-spec.io', name: 'podinfo' };
const capabilities = { match: false, mirror: false, sessionAffinity: false };

for (const provider of ['linkerd', 'osm', 'smi:v1alpha3'] as const) {
  runRouterContract({
    name: provider,
    provider,
    capabilities,
    crdFiles,
    router: (clients) => smiRouter(clients, provider),
    setup: () => ({ objects: [trafficSplit], weighted: trafficSplit }),
  });
}
