/**
 * Creates and updates the Canary's ClusterIP Services. An existing Service is rewritten only when its
 * ports or selector differ (keeping its clusterIP and node ports), and its metadata only when this
 * Canary owns it — so a Service the user created keeps their labels, annotations and owner.
 */
import type { V1PodSpec, V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { Canary } from '../../api/types.js';
import { AviaryError } from '../../errors.js';
import { plain, type KubeClients } from '../../kube/client.js';
import { isNotFound, retryOnConflict, toKubeError } from '../../kube/failure.js';
import type { SelectorLabel } from '../../kube/selector-label.js';
import { isOwnedBy } from '../../kube/owner.js';
import { servicePorts } from './ports.js';
import { SERVICE_ROLES, desiredService, selectorFor, serviceName, type ServiceRole } from './service-spec.js';
import { namespaceOf } from '../../api/defaults.js';

export interface ReconcileServicesOptions {
  /** The target's pod spec, for portDiscovery. */
  podSpec?: V1PodSpec;
  /** Which Services to write (default all three; Flagger writes the apex once the primary is ready). */
  roles?: readonly ServiceRole[];
}

async function readService(
  clients: KubeClients,
  namespace: string,
  name: string,
): Promise<V1Service | undefined> {
  try {
    return plain<V1Service>(await clients.core.readNamespacedService({ name, namespace }));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw toKubeError(err, `reading service ${namespace}/${name}`);
  }
}

/** What Aviary compares: the fields it sets, without what the API server fills in. */
const portKey = (p: V1ServicePort) =>
  JSON.stringify([
    p.name ?? '',
    p.port,
    String(p.targetPort ?? p.port),
    p.protocol ?? 'TCP',
    p.appProtocol ?? '',
  ]);

const samePorts = (a: V1ServicePort[] = [], b: V1ServicePort[] = []) =>
  a.length === b.length && a.every((p, i) => portKey(p) === portKey(b[i] as V1ServicePort));

const sameMap = (a: Record<string, string> = {}, b: Record<string, string> = {}) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/** Keys listed in service.unmanagedMetadata keep whatever value the live object has. */
function withUnmanaged(
  desired: Record<string, string> = {},
  live: Record<string, string> = {},
  keys: string[] = [],
) {
  const out = { ...desired };
  for (const key of keys) {
    const value = live[key];
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** The updated Service, or undefined when the live one already matches. */
function updated(canary: Canary, live: V1Service, desired: V1Service): V1Service | undefined {
  const liveSpec = live.spec ?? {};
  const desiredSpec = desired.spec ?? {};
  const specChanged =
    !samePorts(liveSpec.ports, desiredSpec.ports) ||
    !sameMap(liveSpec.selector, desiredSpec.selector) ||
    (desiredSpec.trafficDistribution !== undefined &&
      liveSpec.trafficDistribution !== desiredSpec.trafficDistribution);
  const owned = isOwnedBy(live.metadata?.ownerReferences as { uid: string }[] | undefined, canary);
  const unmanaged = canary.spec.service.unmanagedMetadata;
  const labels = withUnmanaged(desired.metadata?.labels, live.metadata?.labels, unmanaged?.labels);
  const annotations = withUnmanaged(
    desired.metadata?.annotations,
    live.metadata?.annotations,
    unmanaged?.annotations,
  );
  const metadataChanged =
    owned && (!sameMap(labels, live.metadata?.labels) || !sameMap(annotations, live.metadata?.annotations));
  if (!specChanged && !metadataChanged) return undefined;

  // Node ports stay what the API server allocated, matched by port name.
  const nodePorts = new Map((liveSpec.ports ?? []).map((p) => [p.name ?? '', p.nodePort]));
  const ports = (desiredSpec.ports ?? []).map((p) => {
    const nodePort = nodePorts.get(p.name ?? '');
    return nodePort && liveSpec.type !== 'ClusterIP' ? { ...p, nodePort } : p;
  });
  const spec = { ...liveSpec, selector: desiredSpec.selector, ports };
  if (desiredSpec.trafficDistribution !== undefined)
    spec.trafficDistribution = desiredSpec.trafficDistribution;
  return {
    ...live,
    metadata: owned ? { ...live.metadata, labels, annotations } : live.metadata,
    spec,
  };
}

async function reconcileOne(clients: KubeClients, canary: Canary, desired: V1Service): Promise<void> {
  const namespace = namespaceOf(desired);
  const name = desired.metadata?.name ?? '';
  try {
    await retryOnConflict(async () => {
      const live = await readService(clients, namespace, name);
      // Created concurrently: AlreadyExists is a 409, so retryOnConflict comes round again as an update.
      if (!live) {
        await clients.core.createNamespacedService({ namespace, body: desired });
        return;
      }
      const body = updated(canary, live, desired);
      if (body) {
        delete body.status;
        await clients.core.replaceNamespacedService({ name, namespace, body });
      }
    });
  } catch (err) {
    if (err instanceof AviaryError) throw err;
    throw toKubeError(err, `writing service ${namespace}/${name}`);
  }
}

/** Creates or updates `<apex>`, `<apex>-primary` and `<apex>-canary` (or the roles asked for). */
export async function reconcileServices(
  clients: KubeClients,
  canary: Canary,
  selector: SelectorLabel,
  options: ReconcileServicesOptions = {},
): Promise<void> {
  const ports = servicePorts(canary.spec.service, options.podSpec);
  for (const role of options.roles ?? SERVICE_ROLES)
    await reconcileOne(clients, canary, desiredService(canary, role, selector, ports));
}

/**
 * revertOnDeletion (Flagger's KubernetesDefaultRouter.Finalize): the apex Service selects the target's
 * pods again — the selector from the user's last `kubectl apply` when the Service was theirs, else the
 * target's own label — so it keeps serving once the primary is gone.
 */
export async function finalizeServices(
  clients: KubeClients,
  canary: Canary,
  selector: SelectorLabel,
): Promise<void> {
  const namespace = namespaceOf(canary);
  const name = serviceName(canary, 'apex');
  try {
    await retryOnConflict(async () => {
      const live = await readService(clients, namespace, name);
      if (!live?.spec) return;
      let wanted = selectorFor('canary', selector);
      const owned = isOwnedBy(live.metadata?.ownerReferences as { uid: string }[] | undefined, canary);
      const applied = live.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
      if (!owned && applied) {
        try {
          const original = JSON.parse(applied) as { spec?: { selector?: Record<string, string> } };
          if (original.spec?.selector) wanted = original.spec.selector;
        } catch {
          // not JSON: fall back to the target's label
        }
      }
      if (sameMap(live.spec.selector, wanted)) return;
      const body: V1Service = { ...live, spec: { ...live.spec, selector: wanted } };
      delete body.status;
      await clients.core.replaceNamespacedService({ name, namespace, body });
    });
  } catch (err) {
    throw toKubeError(err, `reverting service ${namespace}/${name}`);
  }
}
