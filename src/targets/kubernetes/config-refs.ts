/**
 * The ConfigMaps and Secrets a pod spec reads (volumes, projected volumes, env valueFrom, envFrom of
 * containers and init containers) — Flagger's config tracking. One walker both lists the references
 * and renames them, so the list and the rewrite can never disagree.
 */
import type { V1Container, V1PodSpec } from '@kubernetes/client-node';

export type ConfigKind = 'configmap' | 'secret';

export interface ConfigRef {
  kind: ConfigKind;
  name: string;
  /** Every place that references it marks it optional (a missing optional config is skipped). */
  optional: boolean;
}

/** `configmap/<name>` or `secret/<name>`: the key used in status.trackedConfigs. */
export const configKey = (kind: ConfigKind, name: string) => `${kind}/${name}`;

type Visit = (kind: ConfigKind, name: string, optional: boolean) => string;

function walkContainer(container: V1Container, visit: Visit): void {
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef?.name)
      source.configMapRef.name = visit(
        'configmap',
        source.configMapRef.name,
        source.configMapRef.optional ?? false,
      );
    if (source.secretRef?.name)
      source.secretRef.name = visit('secret', source.secretRef.name, source.secretRef.optional ?? false);
  }
  for (const env of container.env ?? []) {
    const from = env.valueFrom;
    if (from?.configMapKeyRef?.name)
      from.configMapKeyRef.name = visit(
        'configmap',
        from.configMapKeyRef.name,
        from.configMapKeyRef.optional ?? false,
      );
    if (from?.secretKeyRef?.name)
      from.secretKeyRef.name = visit('secret', from.secretKeyRef.name, from.secretKeyRef.optional ?? false);
  }
}

/** Calls `visit` for every reference, in place, replacing each name with what `visit` returns. */
function walk(spec: V1PodSpec, visit: Visit): void {
  for (const volume of spec.volumes ?? []) {
    if (volume.configMap?.name)
      volume.configMap.name = visit('configmap', volume.configMap.name, volume.configMap.optional ?? false);
    if (volume.secret?.secretName)
      volume.secret.secretName = visit('secret', volume.secret.secretName, volume.secret.optional ?? false);
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap?.name)
        source.configMap.name = visit('configmap', source.configMap.name, source.configMap.optional ?? false);
      if (source.secret?.name)
        source.secret.name = visit('secret', source.secret.name, source.secret.optional ?? false);
    }
  }
  for (const container of [...(spec.initContainers ?? []), ...spec.containers])
    walkContainer(container, visit);
}

/** Every distinct config the pod spec references, in first-seen order. */
export function configRefs(spec: V1PodSpec): ConfigRef[] {
  const found = new Map<string, ConfigRef>();
  walk(structuredClone(spec), (kind, name, optional) => {
    const key = configKey(kind, name);
    const seen = found.get(key);
    // A config is optional only if every reference says so: one required reference makes it required.
    found.set(key, { kind, name, optional: seen ? seen.optional && optional : optional });
    return name;
  });
  return [...found.values()];
}

/** A copy of the pod spec where every reference to a config in `renames` (keyed by configKey) is renamed. */
export function renameConfigRefs(spec: V1PodSpec, renames: ReadonlyMap<string, string>): V1PodSpec {
  const copy = structuredClone(spec);
  walk(copy, (kind, name) => renames.get(configKey(kind, name)) ?? name);
  return copy;
}
