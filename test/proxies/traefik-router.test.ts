/**
 * The Traefik router measured through Traefik itself: its kubernetescrd provider reads the dev
 * cluster, the user's IngressRoute (as in Flagger's Traefik tutorial) sends the host to the weighted
 * TraefikService `podinfo` the router writes, and the split is counted from the versions that answer.
 */
import { traefikRouter } from '../../src/routers/traefik/index.js';
import { describeThroughProxy, HOST } from './through-proxy.js';
import { startTraefik } from './traefik.js';

describeThroughProxy({
  name: 'traefik router through Traefik',
  provider: 'traefik',
  addresses: ['10.254.2.1', '10.254.2.2'],
  proxy: (cluster, namespace) => startTraefik(cluster, { namespace, providers: { kubernetescrd: {} } }),
  objects: (namespace) => [
    {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'IngressRoute',
      metadata: { name: 'podinfo', namespace },
      spec: {
        entryPoints: ['web'],
        routes: [
          {
            match: `Host(\`${HOST}\`)`,
            kind: 'Rule',
            services: [{ name: 'podinfo', kind: 'TraefikService' }],
          },
        ],
      },
    },
  ],
  service: () => ({}),
  router: traefikRouter,
});
