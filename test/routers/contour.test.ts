import { contourRouter } from '../../src/routers/contour/index.js';
import { runRouterContract } from './contract.js';

const httpProxy = { resource: 'httpproxies.projectcontour.io', name: 'podinfo' };

runRouterContract({
  name: 'contour',
  provider: 'contour',
  capabilities: { match: true, mirror: false, sessionAffinity: false },
  crdFiles: ['test/fixtures/crds/contour-httpproxies.yaml'],
  router: (clients) => contourRouter(clients),
  setup: () => ({
    spec: {
      service: {
        port: 9898,
        timeout: '15s',
        retries: { attempts: 3, perTryTimeout: '5s', retryOn: 'gateway-error,connect-failure,503' },
      },
    },
    objects: [httpProxy],
    weighted: httpProxy,
  }),
});
