/**
 * A converted corpus Canary moved into its own fresh namespace, with everything it refers to: Flagger's
 * manifests say `test` (or `ab-test`, ...) and name objects in `istio-ingress`, `flagger-system`,
 * `gloo-system`, ... The controller under test watches only the fresh namespace, so every `namespace`
 * field of the spec and the namespace part of each Istio `gateways` entry become that namespace, and the
 * test creates the objects there. Webhook URLs are left as written: nothing calls them before a revision.
 */
type Json = Record<string, unknown>;

export function relocate(canary: Json, namespace: string): Json {
  const out = structuredClone(canary);
  out.metadata = { ...(out.metadata as Json), namespace };
  const spec = out.spec as Json;
  renameNamespaces(spec, namespace);
  const service = spec.service as { gateways?: string[] } | undefined;
  if (service?.gateways)
    service.gateways = service.gateways.map((g) => (g.includes('/') ? `${namespace}/${g.split('/')[1]}` : g));
  return out;
}

function renameNamespaces(value: unknown, namespace: string): void {
  if (Array.isArray(value)) value.forEach((v) => renameNamespaces(v, namespace));
  else if (typeof value === 'object' && value !== null)
    for (const [key, child] of Object.entries(value as Json)) {
      if (key === 'namespace' && typeof child === 'string') (value as Json)[key] = namespace;
      else renameNamespaces(child, namespace);
    }
}
