/**
 * The ports of the generated Services: the Canary's `service.port`, plus — with `portDiscovery` —
 * every other port the pods declare (Flagger's getPorts), so sidecar-free metrics or admin ports are
 * reachable through `<apex>-primary`/`<apex>-canary` as well.
 */
import type { V1PodSpec, V1ServicePort } from '@kubernetes/client-node';
import type { CanaryService } from '../../api/types.js';

/** Mesh proxies inject ports that are not the application's. (Flagger also skips linkerd-proxy.) */
const PROXY_CONTAINERS = new Set(['istio-proxy', 'envoy', 'linkerd-proxy']);

export function mainPort(service: CanaryService): V1ServicePort {
  const port: V1ServicePort = {
    name: service.portName ?? 'http',
    port: service.port,
    protocol: 'TCP',
    targetPort: service.targetPort ?? service.port,
  };
  if (service.appProtocol) port.appProtocol = service.appProtocol;
  return port;
}

/** Container ports other than the main one, named by the container's port name or `tcp-<container>-<index>`. */
export function discoveredPorts(service: CanaryService, podSpec: V1PodSpec | undefined): V1ServicePort[] {
  const target = service.targetPort ?? service.port;
  const found = new Map<string, V1ServicePort>();
  for (const container of podSpec?.containers ?? []) {
    if (PROXY_CONTAINERS.has(container.name)) continue;
    (container.ports ?? []).forEach((p, index) => {
      const isMain = typeof target === 'number' ? p.containerPort === target : p.name === target;
      if (isMain) return;
      const name = p.name ?? `tcp-${container.name}-${index}`;
      found.set(name, { name, port: p.containerPort, protocol: 'TCP', targetPort: p.containerPort });
    });
  }
  return [...found.values()].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
}

/** All ports of the generated Services; a discovered port clashing with the main one (name or number) is dropped. */
export function servicePorts(service: CanaryService, podSpec: V1PodSpec | undefined): V1ServicePort[] {
  const main = mainPort(service);
  if (!service.portDiscovery) return [main];
  const extra = discoveredPorts(service, podSpec).filter((p) => p.name !== main.name && p.port !== main.port);
  const seenNumbers = new Set<number>([main.port]);
  return [
    main,
    ...extra.filter((p) => {
      if (seenNumbers.has(p.port)) return false;
      seenNumbers.add(p.port);
      return true;
    }),
  ];
}
