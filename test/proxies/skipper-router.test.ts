/**
 * The Skipper router measured through Skipper itself: Skipper reads the dev cluster's Ingresses, the
 * user's Ingress `podinfo` sends the host to the apex Service (the primary), and the canary Ingress the
 * router writes (`zalando.org/backend-weights`, Weight(100) or False()) splits it. Skipper splits with
 * random Traffic() predicates, so here the counts really are binomial.
 */
import { skipperRouter } from '../../src/routers/skipper/index.js';
import { startSkipper } from './skipper.js';
import { describeThroughProxy, HOST } from './through-proxy.js';

const PRIMARY = '10.254.3.1';
const CANARY = '10.254.3.2';

describeThroughProxy({
  name: 'skipper router through Skipper',
  provider: 'skipper',
  addresses: [PRIMARY, CANARY],
  apexToPrimary: true,
  proxy: (cluster, namespace) => startSkipper(cluster, { namespace, primary: PRIMARY, canary: CANARY }),
  objects: (namespace) => [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'podinfo', namespace },
      spec: {
        ingressClassName: 'skipper',
        rules: [
          {
            host: HOST,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'podinfo', port: { number: 9898 } } },
                },
              ],
            },
          },
        ],
      },
    },
  ],
  service: () => ({}),
  spec: { ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'podinfo' } },
  router: skipperRouter,
});
