import { contourRouter } from '../../src/routers/contour/index.js';
import { CONTOUR_GROUP, CONTOUR_VERSION } from '../../src/routers/contour/types.js';
import { runRouterContract } from './contract.js';

const httpProxy = {
  apiVersion: `${CONTOUR_GROUP}/${CONTOUR_VERSION}`,
  kind: 'HTTPProxy',
  plural: 'httpproxies',
  name: 'podinfo',
};

runRouterContract({
  name: 'contour',
  provider: 'contour',
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
