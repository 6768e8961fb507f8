import { KUMA_GROUP, KUMA_VERSION } from '../../src/routers/kuma/index.js';
import { runRouterContract } from './contract.js';

const route = {
  apiVersion: `${KUMA_GROUP}/${KUMA_VERSION}`,
  kind: 'MeshHTTPRoute',
  plural: 'meshhttproutes',
  name: 'podinfo',
};

runRouterContract({ provider: 'kuma', setup: () => ({ objects: [route], weighted: route }) });
