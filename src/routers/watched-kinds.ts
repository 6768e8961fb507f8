/**
 * The routing objects routers read on every tick, by kind. The controller watches each kind from its
 * first read (kube/object-cache's lazy kinds), so an idle canary of any of these providers asks the API
 * server nothing: every router reads and writes through customObjectApi (shared/routing-object.ts),
 * which the controller's cached clients (kube/cached-clients.ts) serve from those watches. A kind no
 * canary uses is never listed.
 *
 * Not here: Knative (its target reads the Revision of each tick's Service from the API server) and
 * Istio's Gateways and PeerAuthentications, which the preflight lists once per spec generation, not
 * per tick, sharing each list between canaries for a while (src/kube/shared-reads.ts).
 */
import { kindKey, type CacheKind } from '../kube/object-cache.js';
import { APISIX_GROUP, APISIX_VERSION } from './apisix/types.js';
import { CONTOUR_GROUP, CONTOUR_VERSION } from './contour/types.js';
import { GATEWAY_API_GROUP, type GatewayApiVersion } from './gateway-api/types.js';
import { GLOO_GATEWAY_GROUP, GLOO_GROUP, GLOO_VERSION } from './gloo/types.js';
import { ISTIO_GROUP, ISTIO_VERSION } from './istio/types.js';
import { KUMA_GROUP, KUMA_VERSION } from './kuma/types.js';
import { SMI_GROUP, type SmiVersion } from './smi/types.js';
import { TRAEFIK_GROUP, TRAEFIK_VERSION } from './traefik/types.js';

/** networking.k8s.io Ingresses, which the NGINX and Skipper routers read and write. */
export const INGRESS_TYPE = {
  group: 'networking.k8s.io',
  version: 'v1',
  plural: 'ingresses',
  kind: 'Ingress',
};

export const DESTINATION_RULES = kindKey(ISTIO_GROUP, ISTIO_VERSION, 'destinationrules');

const GATEWAY_API_VERSIONS: readonly GatewayApiVersion[] = ['v1', 'v1beta1'];
const SMI_VERSIONS: readonly SmiVersion[] = ['v1alpha1', 'v1alpha2', 'v1alpha3'];

export const ROUTING_KINDS: readonly CacheKind[] = [
  kindKey(ISTIO_GROUP, ISTIO_VERSION, 'virtualservices'),
  DESTINATION_RULES,
  ...GATEWAY_API_VERSIONS.map((version) => kindKey(GATEWAY_API_GROUP, version, 'httproutes')),
  kindKey(INGRESS_TYPE.group, INGRESS_TYPE.version, INGRESS_TYPE.plural),
  ...SMI_VERSIONS.map((version) => kindKey(SMI_GROUP, version, 'trafficsplits')),
  kindKey(CONTOUR_GROUP, CONTOUR_VERSION, 'httpproxies'),
  kindKey(TRAEFIK_GROUP, TRAEFIK_VERSION, 'traefikservices'),
  kindKey(APISIX_GROUP, APISIX_VERSION, 'apisixroutes'),
  kindKey(GLOO_GATEWAY_GROUP, GLOO_VERSION, 'routetables'),
  kindKey(GLOO_GROUP, GLOO_VERSION, 'upstreams'),
  kindKey(KUMA_GROUP, KUMA_VERSION, 'meshhttproutes'),
];
