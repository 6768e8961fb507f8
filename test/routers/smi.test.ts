import { SMI_VERSION_OF, smiRouter } from '../../src/routers/smi/index.js';
import { SMI_GROUP } from '../../src/routers/smi/types.js';
import { runRouterContract } from './contract.js';

const capabilities = { match: false, mirror: false, sessionAffinity: false };

for (const provider of ['linkerd', 'osm', 'smi:v1alpha3'] as const) {
  const trafficSplit = {
    apiVersion: `${SMI_GROUP}/${SMI_VERSION_OF[provider]}`,
    kind: 'TrafficSplit',
    plural: 'trafficsplits',
    name: 'podinfo',
  };
  runRouterContract({
    name: provider.replace(':', '-'),
    provider,
    capabilities,
    router: (clients) => smiRouter(clients, provider),
    setup: () => ({ objects: [trafficSplit], weighted: trafficSplit }),
  });
}
