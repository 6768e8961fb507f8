/**
 * Two mesh set-ups that break a release without any error on the objects Aviary writes:
 * - the DestinationRules' `trafficPolicy.tls` mode contradicts the PeerAuthentication in force on the
 *   workload (DISABLE against STRICT: the server refuses plain text; ISTIO_MUTUAL against DISABLE: it
 *   refuses mTLS), so every request to the primary and canary fails;
 * - the sidecars run another Istio version than istiod: the telemetry labels the metric queries select
 *   on can differ between versions, so the analysis may see no data or the wrong data.
 */
import type { Canary } from '../../api/types.js';
import type { RoutingProblem } from './preflight.js';
import { namespaceOf } from '../../api/defaults.js';

export const PEER_AUTHENTICATION_GROUP = 'security.istio.io';
export const PEER_AUTHENTICATION_VERSION = 'v1';

type MtlsMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT';

export interface PeerAuthentication {
  metadata: { name: string; namespace: string };
  spec?: { selector?: { matchLabels?: Record<string, string> }; mtls?: { mode?: MtlsMode } };
}

export interface MeshWorld {
  /** PeerAuthentications of the canary's namespace and of Istio's root namespace. */
  peerAuthentications: PeerAuthentication[];
  rootNamespace: string;
  /** Labels of the target's pods (primary and canary), to find a workload-scoped PeerAuthentication. */
  podLabels: Record<string, string>[];
  /** Image tags of istiod (its `discovery` container), one per istiod Deployment. */
  istiodVersions: string[];
  /** The `istio-proxy` image tag of each of the target's pods. */
  sidecars: { pod: string; version: string }[];
}

/** The mTLS mode a workload with these labels gets: workload, then namespace, then mesh policy. */
export function mtlsModeInForce(
  world: MeshWorld,
  namespace: string,
  labels: Record<string, string>,
): { mode: MtlsMode; policy?: string } {
  const applies = (pa: PeerAuthentication) =>
    Object.entries(pa.spec?.selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const scoped = (ns: string, selected: boolean) =>
    world.peerAuthentications.find(
      (pa) =>
        pa.metadata.namespace === ns &&
        Boolean(pa.spec?.selector?.matchLabels) === selected &&
        applies(pa) &&
        (pa.spec?.mtls?.mode ?? 'UNSET') !== 'UNSET',
    );
  const policy = scoped(namespace, true) ?? scoped(namespace, false) ?? scoped(world.rootNamespace, false);
  if (!policy) return { mode: 'PERMISSIVE' };
  return { mode: policy.spec!.mtls!.mode!, policy: `${policy.metadata.namespace}/${policy.metadata.name}` };
}

export function meshProblems(canary: Canary, world: MeshWorld): RoutingProblem[] {
  const problems: RoutingProblem[] = [];
  const namespace = namespaceOf(canary);
  const tls = (canary.spec.service.trafficPolicy as { tls?: { mode?: string } } | undefined)?.tls?.mode;
  const field = 'spec.service.trafficPolicy.tls.mode';
  const modes = (world.podLabels.length ? world.podLabels : [{}]).map((labels) =>
    mtlsModeInForce(world, namespace, labels),
  );
  const strict = modes.find((m) => m.mode === 'STRICT');
  const disabled = modes.find((m) => m.mode === 'DISABLE');
  if (tls === 'DISABLE' && strict) {
    problems.push({
      field,
      message: `DISABLE sends plain text, but PeerAuthentication ${strict.policy} requires mTLS (STRICT) on the workload — every request to the primary and canary will be refused; set tls.mode: ISTIO_MUTUAL or remove trafficPolicy.tls`,
    });
  }
  if ((tls === 'ISTIO_MUTUAL' || tls === 'MUTUAL') && disabled) {
    problems.push({
      field,
      message: `${tls} sends mTLS, but PeerAuthentication ${disabled.policy} disables it (DISABLE) on the workload — every request to the primary and canary will fail; remove trafficPolicy.tls or set the PeerAuthentication to PERMISSIVE`,
    });
  }

  const istiod = [...new Set(world.istiodVersions)];
  const differing = world.sidecars.filter((s) => istiod.length > 0 && !istiod.includes(s.version));
  if (differing.length > 0) {
    const versions = [...new Set(differing.map((s) => s.version))].join(', ');
    problems.push({
      field: 'spec.targetRef',
      message: `the sidecars of ${differing.map((s) => s.pod).join(', ')} run Istio ${versions} but istiod runs ${istiod.join(', ')} — the telemetry labels the metric queries select on can differ between versions, so the analysis may see no data; restart the workload after the upgrade (kubectl rollout restart) so the sidecars are injected at istiod's version`,
    });
  }
  return problems;
}

/** The tag of an image reference (`docker.io/istio/proxyv2:1.22.0` -> `1.22.0`); undefined without one. */
export function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const name = image.split('@')[0]!;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
}
