/**
 * The `<name>-primary` and `<name>-canary` copies of a target Service, as Flagger's ServiceController
 * builds them: the target's spec and metadata under a new name, owned by the Canary, with the Canary's
 * service.trafficDistribution. What the API server allocated to the target (cluster IPs, node ports)
 * is never copied: it belongs to the target, and a copy asking for it is refused as already allocated.
 * A copy that exists keeps what the API server allocated to it.
 */
import type { V1Service, V1ServiceSpec } from '@kubernetes/client-node';
import { namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import { ownerReferenceTo } from '../../kube/owner.js';
import { stableJson } from './digest.js';
import { copyableAnnotations, copyableLabels } from './metadata.js';
import { includedLabels } from './primary-deployment.js';

const HEADLESS = 'None';

/** The spec without what the API server allocated: the spec a user wrote (headless stays headless). */
export function unallocatedSpec(spec: V1ServiceSpec | undefined): V1ServiceSpec {
  const copy = structuredClone(spec ?? {});
  if (copy.clusterIP !== HEADLESS) {
    delete copy.clusterIP;
    delete copy.clusterIPs;
  }
  delete copy.healthCheckNodePort;
  copy.ports = copy.ports?.map(({ nodePort: _allocated, ...port }) => port);
  if (!copy.ports) delete copy.ports;
  return copy;
}

/** The copy `name` of `target` as Aviary wants it (before allocation). */
export function serviceCopy(
  canary: Canary,
  target: V1Service,
  name: string,
  includeLabelPrefixes?: readonly string[],
): V1Service {
  const spec = unallocatedSpec(target.spec);
  const distribution = canary.spec.service.trafficDistribution;
  if (distribution) spec.trafficDistribution = distribution;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: namespaceOf(canary),
      labels: includedLabels(copyableLabels(target.metadata?.labels), includeLabelPrefixes),
      annotations: copyableAnnotations(target.metadata?.annotations),
      ownerReferences: ownerReferenceTo(canary),
    },
    spec,
  };
}

const same = (a: unknown, b: unknown) => stableJson(a ?? {}) === stableJson(b ?? {});

/** Whether the live copy already is what `desired` asks for (its allocations aside). */
export function copyMatches(live: V1Service, desired: V1Service): boolean {
  const uids = (s: V1Service) => (s.metadata?.ownerReferences ?? []).map((o) => o.uid);
  return (
    same(unallocatedSpec(live.spec), desired.spec) &&
    same(live.metadata?.labels, desired.metadata?.labels) &&
    same(live.metadata?.annotations, desired.metadata?.annotations) &&
    same(uids(live), uids(desired))
  );
}

/**
 * The replacement for the live copy: `desired`, keeping the live copy's identity and what the API server
 * allocated to it where the new spec still needs it (the cluster IP is immutable; node ports by port name).
 */
export function replacementFor(live: V1Service, desired: V1Service): V1Service {
  const spec = structuredClone(desired.spec ?? {});
  const liveSpec = live.spec ?? {};
  const hasClusterIP = (s: V1ServiceSpec) => s.type !== 'ExternalName' && s.clusterIP !== HEADLESS;
  if (hasClusterIP(spec) && hasClusterIP(liveSpec) && liveSpec.clusterIP) {
    spec.clusterIP = liveSpec.clusterIP;
    if (liveSpec.clusterIPs) spec.clusterIPs = liveSpec.clusterIPs;
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    const nodePorts = new Map((liveSpec.ports ?? []).map((p) => [p.name ?? '', p.nodePort]));
    spec.ports = spec.ports?.map((p) => {
      const nodePort = nodePorts.get(p.name ?? '');
      return nodePort ? { ...p, nodePort } : p;
    });
    if (liveSpec.healthCheckNodePort && spec.externalTrafficPolicy === 'Local')
      spec.healthCheckNodePort = liveSpec.healthCheckNodePort;
  }
  return {
    ...desired,
    metadata: {
      ...desired.metadata,
      uid: live.metadata?.uid,
      resourceVersion: live.metadata?.resourceVersion,
    },
    spec,
  };
}
