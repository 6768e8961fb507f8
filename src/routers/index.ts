/**
 * The router registry: one line per provider, each naming what the provider's router can express and
 * how to build it. The controller builds routers from here, `aviary validate` checks Canaries against
 * the capabilities here, and the contract suite (test/routers) runs every entry. A provider without a
 * line has no router: validate refuses it rather than accept a Canary that cannot run.
 */
import type { Provider } from '../api/types.js';
import { apisix } from './apisix/index.js';
import { contourRouter } from './contour/index.js';
import { WEIGHTS_ONLY, type RouterEntry } from './entry.js';
import { gatewayApiRouter } from './gateway-api/index.js';
import { gloo } from './gloo/index.js';
import { istioRouter } from './istio/router.js';
import { refusingUnsupported } from './guarded.js';
import { kubernetesRouter } from './kubernetes/index.js';
import { knative } from './knative/index.js';
import { kuma } from './kuma/index.js';
import { nginxRouter } from './nginx/index.js';
import { skipper } from './skipper/index.js';
import { smiRouter, type SmiProvider } from './smi/index.js';
import { traefik } from './traefik/index.js';

export type { KubernetesRouterEntry, LocalRouterEntry, ProviderCapabilities, RouterEntry } from './entry.js';

const KUBERNETES = { ...WEIGHTS_ONLY, weights: false, tcp: true };
const HTTP_MESH = { ...WEIGHTS_ONLY, match: true, mirror: true, sessionAffinity: true };

const gatewayApi = (version: 'v1' | 'v1beta1'): RouterEntry => ({
  runtime: 'kubernetes',
  // http-route.ts writes the sticky-primary rule for primaryCookieName, as Flagger's Gateway API router does
  capabilities: { ...HTTP_MESH, primaryCookie: true, cors: true },
  create: (clients) => gatewayApiRouter(clients, version),
  services: true,
});

/** Linkerd, OSM and SMI: a TrafficSplit, weights only. */
const smi = (provider: SmiProvider): RouterEntry => ({
  runtime: 'kubernetes',
  capabilities: WEIGHTS_ONLY,
  create: (clients) => smiRouter(clients, provider),
  services: true,
});

export const ROUTERS: Partial<Record<Provider, RouterEntry>> = {
  istio: {
    runtime: 'kubernetes',
    capabilities: { ...HTTP_MESH, primaryCookie: true, tcp: true, cors: true },
    create: istioRouter,
    services: true,
  },
  local: { runtime: 'local', capabilities: HTTP_MESH },
  kubernetes: {
    runtime: 'kubernetes',
    // Plain ClusterIP Services: no split and nothing per request, but any protocol a Service carries.
    capabilities: KUBERNETES,
    create: refusingUnsupported('kubernetes', KUBERNETES, kubernetesRouter),
    services: false,
  },
  'gatewayapi:v1': gatewayApi('v1'),
  'gatewayapi:v1beta1': gatewayApi('v1beta1'),
  nginx: {
    runtime: 'kubernetes',
    capabilities: { ...WEIGHTS_ONLY, match: true },
    create: (c, s) =>
      nginxRouter(c, s?.ingressAnnotationsPrefix ? { annotationsPrefix: s.ingressAnnotationsPrefix } : {}),
    services: true,
  },
  contour: {
    runtime: 'kubernetes',
    capabilities: { ...WEIGHTS_ONLY, match: true },
    create: (c, s) => contourRouter(c, s?.ingressClass ? { ingressClass: s.ingressClass } : {}),
    services: true,
  },
  linkerd: smi('linkerd'),
  osm: smi('osm'),
  'smi:v1alpha1': smi('smi:v1alpha1'),
  'smi:v1alpha2': smi('smi:v1alpha2'),
  'smi:v1alpha3': smi('smi:v1alpha3'),
  traefik,
  skipper,
  apisix,
  gloo,
  kuma,
  knative,
};

export function routerEntry(provider: Provider): RouterEntry | undefined {
  return ROUTERS[provider];
}

/** Providers with a router, for "use one of ..." hints. */
export function routedProviders(): Provider[] {
  return Object.keys(ROUTERS) as Provider[];
}
