import { SMI_VERSION_OF } from '../../src/routers/smi/index.js';
import { SMI_GROUP } from '../../src/routers/smi/types.js';
import { runRouterContract } from './contract.js';

for (const provider of ['linkerd', 'osm', 'smi:v1alpha1', 'smi:v1alpha2', 'smi:v1alpha3'] as const) {
  const trafficSplit = {
    apiVersion: `${SMI_GROUP}/${SMI_VERSION_OF[provider]}`,
    kind: 'TrafficSplit',
    plural: 'trafficsplits',
    name: 'podinfo',
  };
  runRouterContract({ provider, setup: () => ({ objects: [trafficSplit], weighted: trafficSplit }) });
}
