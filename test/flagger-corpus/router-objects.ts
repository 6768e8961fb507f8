/**
 * The objects a Canary's router writes at initialization, by the names Flagger gives them (its
 * pkg/router, v1.44.0), as `kubectl get` resources: the apex, primary and canary Services (all but
 * `provider: kubernetes`, which writes only the latter two until the primary serves, and then the apex
 * too) and each provider's routing object. Kuma: Flagger writes a TrafficRoute, a policy Kuma removed
 * after 2.14; Aviary writes the MeshHTTPRoute that replaced it, under the same name.
 */
type Json = Record<string, unknown>;
interface Spec {
  provider?: string;
  targetRef: { name: string };
  ingressRef?: { name: string };
  routeRef?: { name: string };
  service?: { name?: string; port?: number };
}

export function routerObjects(canary: Json, meshProvider: string): string[] {
  const spec = canary.spec as Spec;
  const namespace = (canary.metadata as { namespace: string }).namespace;
  const apex = spec.service?.name ?? spec.targetRef.name;
  const services = ['', '-primary', '-canary'].map((suffix) => `services/${apex}${suffix}`);
  const provider = spec.provider ?? meshProvider;
  const routing: Record<string, () => string[]> = {
    istio: () => [
      `virtualservices.networking.istio.io/${apex}`,
      `destinationrules.networking.istio.io/${apex}-primary`,
      `destinationrules.networking.istio.io/${apex}-canary`,
    ],
    'gatewayapi:v1': () => [`httproutes.gateway.networking.k8s.io/${apex}`],
    'gatewayapi:v1beta1': () => [`httproutes.gateway.networking.k8s.io/${apex}`],
    linkerd: () => [`trafficsplits.split.smi-spec.io/${apex}`],
    contour: () => [`httpproxies.projectcontour.io/${apex}`],
    nginx: () => [`ingresses.networking.k8s.io/${spec.ingressRef?.name ?? ''}-canary`],
    skipper: () => [`ingresses.networking.k8s.io/${spec.ingressRef?.name ?? ''}-canary`],
    traefik: () => [`traefikservices.traefik.io/${apex}`],
    apisix: () => [`apisixroutes.apisix.apache.org/${spec.routeRef?.name ?? ''}-${apex}-canary`],
    gloo: () => [
      `routetables.gateway.solo.io/${apex}`,
      `upstreams.gloo.solo.io/${namespace}-${apex}-primaryupstream-${spec.service?.port ?? ''}`,
      `upstreams.gloo.solo.io/${namespace}-${apex}-canaryupstream-${spec.service?.port ?? ''}`,
    ],
    kuma: () => [`meshhttproutes.kuma.io/${apex}`],
    kubernetes: () => [],
  };
  const objects = routing[provider];
  if (!objects) throw new Error(`router-objects.ts: no objects listed for provider ${provider}`);
  return [...services, ...objects()];
}
