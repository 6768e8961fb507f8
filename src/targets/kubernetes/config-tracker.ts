/**
 * Config tracking (Flagger's config_tracker.go): the ConfigMaps and Secrets the canary's pods read are
 * part of its revision, and the primary runs on `<name>-primary` copies that change only on promotion.
 * So editing a ConfigMap starts a canary analysis, and the primary keeps the old config until then.
 */
import type { V1ConfigMap, V1PodSpec, V1Secret } from '@kubernetes/client-node';
import type { Canary } from '../../api/types.js';
import { AviaryError } from '../../errors.js';
import { plain, type KubeClients } from '../../kube/client.js';
import { isNotFound, retryOnConflict, toKubeError } from '../../kube/failure.js';
import { ownerReferenceTo } from '../../kube/owner.js';
import { configKey, configRefs, renameConfigRefs, type ConfigRef } from './config-refs.js';
import { digest } from './digest.js';
import { copyableAnnotations, copyableLabels, primaryName } from './metadata.js';

/** Annotation (Aviary's, or Flagger's for migrated objects) that opts a config out: value starting with "disable". */
const OPT_OUT_ANNOTATIONS = ['aviary.dev/config-tracking', 'flagger.app/config-tracking'];

/** Secret types Flagger tracks; service-account tokens, docker configs and the like are left alone. */
const TRACKED_SECRET_TYPES = new Set([
  'Opaque',
  'kubernetes.io/basic-auth',
  'kubernetes.io/ssh-auth',
  'kubernetes.io/tls',
]);

export type TrackedConfig =
  | { ref: ConfigRef; checksum: string; kind: 'configmap'; object: V1ConfigMap }
  | { ref: ConfigRef; checksum: string; kind: 'secret'; object: V1Secret };

function optedOut(annotations: Record<string, string> | undefined): boolean {
  return OPT_OUT_ANNOTATIONS.some((key) => annotations?.[key]?.startsWith('disable') ?? false);
}

async function readConfig(clients: KubeClients, namespace: string, ref: ConfigRef) {
  try {
    return ref.kind === 'configmap'
      ? plain<V1ConfigMap>(await clients.core.readNamespacedConfigMap({ name: ref.name, namespace }))
      : plain<V1Secret>(await clients.core.readNamespacedSecret({ name: ref.name, namespace }));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw toKubeError(err, `reading ${ref.kind} ${namespace}/${ref.name}`);
  }
}

/** Reads every config the pod spec references that is tracked, with its checksum. */
export async function trackedConfigs(
  clients: KubeClients,
  namespace: string,
  podSpec: V1PodSpec,
  workload: string,
): Promise<TrackedConfig[]> {
  const tracked: TrackedConfig[] = [];
  for (const ref of configRefs(podSpec)) {
    const object = await readConfig(clients, namespace, ref);
    if (!object) {
      if (ref.optional) continue;
      throw new AviaryError(
        'NOT_FOUND',
        `${ref.kind} ${namespace}/${ref.name} referenced by deployment ${workload} not found — create it, or mark the reference optional`,
      );
    }
    if (optedOut(object.metadata?.annotations)) continue;
    if (ref.kind === 'secret') {
      const secret = object as V1Secret;
      if (!TRACKED_SECRET_TYPES.has(secret.type ?? 'Opaque')) continue;
      tracked.push({ ref, kind: 'secret', object: secret, checksum: digest({ data: secret.data ?? {} }) });
    } else {
      const configMap = object as V1ConfigMap;
      tracked.push({
        ref,
        kind: 'configmap',
        object: configMap,
        checksum: digest({ data: configMap.data ?? {}, binaryData: configMap.binaryData ?? {} }),
      });
    }
  }
  return tracked;
}

/** `configmap/<name>` -> checksum (status.trackedConfigs). */
export function checksums(tracked: readonly TrackedConfig[]): Record<string, string> {
  return Object.fromEntries(tracked.map((t) => [configKey(t.ref.kind, t.ref.name), t.checksum]));
}

/** The pod spec the primary runs: tracked configs replaced by their `-primary` copies. */
export function primaryPodSpec(podSpec: V1PodSpec, tracked: readonly TrackedConfig[]): V1PodSpec {
  const renames = new Map(tracked.map((t) => [configKey(t.ref.kind, t.ref.name), primaryName(t.ref.name)]));
  return renameConfigRefs(podSpec, renames);
}

function copyMetadata(
  canary: Canary,
  source: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } },
  name: string,
  namespace: string,
) {
  return {
    name,
    namespace,
    labels: copyableLabels(source.metadata?.labels),
    annotations: copyableAnnotations(source.metadata?.annotations),
    ownerReferences: ownerReferenceTo(canary),
  };
}

/** Creates or refreshes the `-primary` copy of each tracked config (only at primary creation and promotion). */
export async function copyConfigsToPrimary(
  clients: KubeClients,
  canary: Canary,
  namespace: string,
  tracked: readonly TrackedConfig[],
): Promise<void> {
  for (const config of tracked) {
    const name = primaryName(config.ref.name);
    const what = `copying ${config.kind} ${namespace}/${config.ref.name} to ${name}`;
    try {
      await retryOnConflict(async () => {
        const metadata = copyMetadata(canary, config.object, name, namespace);
        if (config.kind === 'configmap') {
          const body: V1ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata };
          if (config.object.data) body.data = config.object.data;
          if (config.object.binaryData) body.binaryData = config.object.binaryData;
          const existing = await readConfig(clients, namespace, { ...config.ref, name });
          if (!existing) return clients.core.createNamespacedConfigMap({ namespace, body });
          if (sameCopy(existing, body)) return existing;
          body.metadata = { ...metadata, resourceVersion: existing.metadata?.resourceVersion };
          return clients.core.replaceNamespacedConfigMap({ name, namespace, body });
        }
        const body: V1Secret = {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata,
          type: config.object.type ?? 'Opaque',
        };
        if (config.object.data) body.data = config.object.data;
        const existing = await readConfig(clients, namespace, { ...config.ref, name });
        if (!existing) return clients.core.createNamespacedSecret({ namespace, body });
        if (sameCopy(existing, body)) return existing;
        body.metadata = { ...metadata, resourceVersion: existing.metadata?.resourceVersion };
        return clients.core.replaceNamespacedSecret({ name, namespace, body });
      });
    } catch (err) {
      if (err instanceof AviaryError) throw err;
      throw toKubeError(err, what);
    }
  }
}

/** Whether the live copy already holds what would be written (so a repeat changes nothing). */
function sameCopy(existing: V1ConfigMap | V1Secret, desired: V1ConfigMap | V1Secret): boolean {
  const content = (o: V1ConfigMap | V1Secret) => ({
    data: o.data ?? {},
    binaryData: (o as V1ConfigMap).binaryData ?? {},
    labels: o.metadata?.labels ?? {},
    annotations: o.metadata?.annotations ?? {},
    owners: (o.metadata?.ownerReferences ?? []).map((r) => r.uid),
  });
  return digest(content(existing)) === digest(content(desired));
}
