import { errors } from './errors.js';
import { selectorToString } from './selectors.js';
import { isObject, type KubeObject, type ResourceType } from './types.js';

/** autoscaling/v1 Scale, the view `/scale` gives of a workload (kubectl scale, HPAs). */
export interface Scale {
  kind: 'Scale';
  apiVersion: 'autoscaling/v1';
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
  };
  spec: { replicas: number };
  status: { replicas: number; selector?: string };
}

function read(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.replace(/^\./, '').split('.')) cur = isObject(cur) ? cur[part] : undefined;
  return cur;
}

function write(obj: KubeObject, path: string, value: unknown): void {
  const parts = path.replace(/^\./, '').split('.');
  const last = parts.pop() ?? '';
  let cur: Record<string, unknown> = obj;
  for (const part of parts) {
    if (!isObject(cur[part])) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[last] = value;
}

export function readScale(rt: ResourceType, obj: KubeObject): Scale {
  if (!rt.scale) throw errors.notFoundPath(`${rt.plural}/scale`);
  const selector = rt.scale.labelSelectorPath ? read(obj, rt.scale.labelSelectorPath) : undefined;
  const { name = '', namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, ...(namespace ? { namespace } : {}), uid, resourceVersion, creationTimestamp },
    spec: { replicas: Number(read(obj, rt.scale.specReplicasPath) ?? 0) },
    status: {
      replicas: Number(read(obj, rt.scale.statusReplicasPath) ?? 0),
      ...(selector !== undefined
        ? { selector: typeof selector === 'string' ? selector : selectorToString(selector) }
        : {}),
    },
  };
}

export function writeScale(rt: ResourceType, obj: KubeObject, replicas: number): void {
  if (!rt.scale) throw errors.notFoundPath(`${rt.plural}/scale`);
  write(obj, rt.scale.specReplicasPath, replicas);
}

export function scaleFromInput(
  input: unknown,
  name: string,
): { metadata: { resourceVersion?: string }; spec: { replicas: number } } {
  const scale = isObject(input) ? input : {};
  const spec = isObject(scale.spec) ? scale.spec : {};
  const metadata = isObject(scale.metadata) ? scale.metadata : {};
  if (typeof spec.replicas !== 'number' || spec.replicas < 0) {
    throw errors.invalid({ group: 'autoscaling', kind: 'Scale' }, name, [
      {
        field: 'spec.replicas',
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(spec.replicas)}: must be greater than or equal to 0`,
      },
    ]);
  }
  return {
    metadata:
      typeof metadata.resourceVersion === 'string' && metadata.resourceVersion
        ? { resourceVersion: metadata.resourceVersion }
        : {},
    spec: { replicas: spec.replicas },
  };
}
