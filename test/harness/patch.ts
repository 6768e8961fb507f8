import { ApiError, errors } from './errors.js';
import { clone, isObject, type JsonObject } from './types.js';

/** RFC 7386 JSON merge patch: objects merge recursively, `null` deletes, everything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = applyMergePatch(result[k], v);
  }
  return result;
}

/** RFC 6902 JSON patch. A failed `test` or a bad path is 422, like the real server's jsonpatch errors. */
export function applyJsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw errors.badRequest('json patch must be an array of operations');
  let doc = clone(target);
  for (const op of operations as unknown[]) {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw errors.badRequest(`invalid json patch operation: ${JSON.stringify(op)}`);
    }
    const path = op.path;
    switch (op.op) {
      case 'add':
        doc = setAt(doc, path, clone(op.value), 'add');
        break;
      case 'replace':
        getAt(doc, path);
        doc = setAt(doc, path, clone(op.value), 'replace');
        break;
      case 'remove':
        doc = removeAt(doc, path);
        break;
      case 'move': {
        const from = String(op.from);
        const value = getAt(doc, from);
        doc = setAt(removeAt(doc, from), path, value, 'add');
        break;
      }
      case 'copy':
        doc = setAt(doc, path, clone(getAt(doc, String(op.from))), 'add');
        break;
      case 'test':
        if (JSON.stringify(canonical(getAt(doc, path))) !== JSON.stringify(canonical(op.value))) {
          throw unprocessable(`testing value ${path} failed: test failed`);
        }
        break;
      default:
        throw errors.badRequest(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}

function unprocessable(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isObject(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical(value[k])]),
    );
  }
  return value;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw unprocessable(`invalid JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: unknown, pointer: string): unknown {
  let cur = doc;
  for (const part of parsePointer(pointer)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(part, cur.length - 1, pointer)];
    else if (isObject(cur) && part in cur) cur = cur[part];
    else throw unprocessable(`doc is missing path: "${pointer}": missing value`);
  }
  return cur;
}

function parentOf(doc: unknown, pointer: string): { parent: unknown; last: string } {
  const parts = parsePointer(pointer);
  const last = parts.pop();
  if (last === undefined) return { parent: undefined, last: '' };
  const parentPointer = parts.map((p) => '/' + p.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
  return { parent: getAt(doc, parentPointer), last };
}

function setAt(doc: unknown, pointer: string, value: unknown, mode: 'add' | 'replace'): unknown {
  if (pointer === '') return value;
  const { parent, last } = parentOf(doc, pointer);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : arrayIndex(last, parent.length, pointer);
    if (mode === 'add') parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isObject(parent)) parent[last] = value;
  else throw unprocessable(`doc is missing path: "${pointer}": missing value`);
  return doc;
}

function removeAt(doc: unknown, pointer: string): unknown {
  const { parent, last } = parentOf(doc, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length - 1, pointer), 1);
  else if (isObject(parent) && last in parent) delete parent[last];
  else throw unprocessable(`Unable to remove nonexistent key: ${last}: missing value`);
  return doc;
}

function arrayIndex(part: string, max: number, pointer: string): number {
  const index = Number(part);
  if (!/^\d+$/.test(part) || index > max)
    throw unprocessable(`Unable to access invalid index: ${part} (${pointer})`);
  return index;
}

/**
 * Merge keys of the list fields that built-in types declare with `patchStrategy: merge`
 * (`x-kubernetes-patch-merge-key` in the upstream OpenAPI). Lists not named here are replaced,
 * which is also the upstream behaviour for atomic lists.
 */
const MERGE_KEYS: Record<string, (item: JsonObject) => string> = {
  containers: () => 'name',
  initContainers: () => 'name',
  ephemeralContainers: () => 'name',
  env: () => 'name',
  volumes: () => 'name',
  volumeMounts: () => 'mountPath',
  volumeDevices: () => 'devicePath',
  imagePullSecrets: () => 'name',
  hostAliases: () => 'ip',
  conditions: () => 'type',
  // Container ports merge on containerPort, Service ports on port.
  ports: (item) => ('containerPort' in item ? 'containerPort' : 'port'),
};

/**
 * Strategic merge patch, approximated: merge-patch semantics, plus list merge by key for the
 * fields above, and the directives kubectl sends (`$patch`, `$retainKeys`, `$setElementOrder/…`,
 * `$deleteFromPrimitiveList/…`).
 */
export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  if (patch.$patch === 'delete') return undefined;
  const result: JsonObject = isObject(target) ? clone(target) : {};
  const retainKeys = Array.isArray(patch.$retainKeys) ? (patch.$retainKeys as string[]) : undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) continue; // applied below, after the lists are merged
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(v)) result[field] = current.filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) {
      delete result[k];
      continue;
    }
    const mergeKey = MERGE_KEYS[k];
    const current = result[k];
    if (Array.isArray(v) && mergeKey && (Array.isArray(current) || current === undefined)) {
      result[k] = mergeList((current as unknown[] | undefined) ?? [], v, mergeKey);
    } else if (isObject(v)) {
      const merged = applyStrategicMergePatch(current, v);
      if (merged === undefined) delete result[k];
      else result[k] = merged;
    } else result[k] = clone(v);
  }
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith('$setElementOrder/') || !Array.isArray(order)) continue;
    const field = k.slice('$setElementOrder/'.length);
    const list = result[field];
    if (Array.isArray(list)) result[field] = reorder(list, order, MERGE_KEYS[field]);
  }
  if (retainKeys) for (const k of Object.keys(result)) if (!retainKeys.includes(k)) delete result[k];
  return result;
}

function mergeList(current: unknown[], patch: unknown[], keyOf: (item: JsonObject) => string): unknown[] {
  const result = clone(current);
  for (const item of patch) {
    if (!isObject(item)) {
      // A primitive list under a merge-key field name: fall back to set union.
      if (!result.includes(item)) result.push(item);
      continue;
    }
    const key = keyOf(item);
    const index = result.findIndex((x) => isObject(x) && x[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) result[index] = applyStrategicMergePatch(result[index], item);
    else result.push(stripDirectives(item));
  }
  return result;
}

function reorder(list: unknown[], order: unknown[], keyOf?: (item: JsonObject) => string): unknown[] {
  const position = (x: unknown): number => {
    const i = order.findIndex((o) => {
      if (!isObject(o) || !isObject(x) || !keyOf) return o === x;
      const key = keyOf(x);
      return o[key] === x[key];
    });
    return i < 0 ? order.length : i;
  };
  return [...list].sort((a, b) => position(a) - position(b));
}

function stripDirectives(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value))
    if (!k.startsWith('$')) out[k] = isObject(v) ? stripDirectives(v) : clone(v);
  return out;
}
