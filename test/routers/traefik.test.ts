import { TRAEFIK_GROUP, TRAEFIK_VERSION } from '../../src/routers/traefik/index.js';
import { runRouterContract } from './contract.js';

const traefikService = {
  apiVersion: `${TRAEFIK_GROUP}/${TRAEFIK_VERSION}`,
  kind: 'TraefikService',
  plural: 'traefikservices',
  name: 'podinfo',
};

runRouterContract({
  provider: 'traefik',
  setup: () => ({ objects: [traefikService], weighted: traefikService }),
});
