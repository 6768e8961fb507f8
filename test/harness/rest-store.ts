import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { ApiError, errors } from './errors.js';
import { generateName, validateName, validateObjectMeta } from './object-meta.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch.js';
import type { Registry } from './registry.js';
import { processCustomResource } from './schema.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { readScale, scaleFromInput, writeScale } from './scale.js';
import type { Store } from './store.js';
import {
  apiVersionOf,
  canonicalJson,
  clone,
  groupResource,
  isObject,
  nowTime,
  type FieldError,
  type KubeObject,
  type ResourceType,
} from './types.js';

/** What a request addresses, once the URL has been resolved against the registry. */
export interface Target {
  rt: ResourceType;
  /** The API version the client speaks; objects are converted to it on the way out. */
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation?: string;
  fieldManager?: string;
}

export interface ListOptions {
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: number;
  continue?: string | null;
}

export interface DeleteOptions {
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface Result {
  code: number;
  body: unknown;
  warnings?: string[];
}

const NAMESPACES = '/namespaces';

/**
 * kube-apiserver's generic registry store, in miniature: the REST semantics of every verb
 * (create, update, patch, delete with finalizers, status and scale subresources, generation,
 * resourceVersion preconditions, validation) on top of the plain object Store.
 */
export class RestStore {
  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
  ) {}

  // ---- reads ----

  get(t: Target): Result {
    const existing = this.mustGet(t);
    if (t.subresource === 'scale') return { code: 200, body: readScale(t.rt, existing) };
    return { code: 200, body: this.present(t.rt, existing, t.version) };
  }

  list(t: Target, opts: ListOptions = {}): Result {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector);
    let items = this.store
      .list(groupResource(t.rt), t.namespace)
      .filter((o) => labels(o.metadata.labels) && fields(o));
    const revision = String(this.store.currentRevision);
    // The continue token is an opaque offset; like the real server's, it pins the revision it was issued at.
    let start = 0;
    if (opts.continue) {
      const token = decodeContinue(opts.continue);
      start = token.offset;
    }
    let next: string | undefined;
    if (opts.limit && opts.limit > 0 && items.length - start > opts.limit) {
      next = Buffer.from(JSON.stringify({ offset: start + opts.limit, rv: revision })).toString('base64url');
    }
    items = items.slice(start, opts.limit && opts.limit > 0 ? start + opts.limit : undefined);
    return {
      code: 200,
      body: {
        kind: t.rt.listKind,
        apiVersion: apiVersionOf(t.rt.group, t.version),
        metadata: { resourceVersion: revision, ...(next ? { continue: next } : {}) },
        // Built-in list items carry no kind/apiVersion on the wire; custom resources keep theirs.
        items: items.map((o) => {
          const item = this.present(t.rt, o, t.version);
          if (!t.rt.custom) {
            delete item.kind;
            delete item.apiVersion;
          }
          return item;
        }),
      },
    };
  }

  // ---- writes ----

  create(t: Target, input: unknown, opts: WriteOptions = {}): Result {
    if (t.subresource) throw errors.methodNotAllowed();
    const obj = this.decode(t, input);
    const meta = obj.metadata;
    if (meta.resourceVersion) {
      throw new ApiError(
        500,
        'InternalError',
        'Internal error occurred: resourceVersion should not be set on objects to be created',
      );
    }
    if (t.rt.namespaced) this.checkNamespaceAcceptsContent(meta.namespace ?? '');
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    if (!meta.name) {
      throw errors.invalid(t.rt, '', [
        {
          field: 'metadata.name',
          reason: 'FieldValueRequired',
          message: 'Required value: name or generateName is required',
        },
      ]);
    }
    if (this.store.get(groupResource(t.rt), meta.namespace, meta.name))
      throw errors.alreadyExists(t.rt, meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTime();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.managedFields;
    if (t.rt.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    // Status is owned by controllers: with a status subresource, create ignores the client's status.
    if (t.rt.status) delete obj.status;
    const { object, warnings } = this.admit(t, obj, undefined, opts);
    const stored = opts.dryRun ? object : this.store.put(groupResource(t.rt), object);
    return { code: 201, body: this.present(t.rt, stored, t.version), warnings };
  }

  update(t: Target, input: unknown, opts: WriteOptions = {}): Result {
    if (t.subresource === 'scale') {
      const existing = this.mustGet(t);
      const scale = scaleFromInput(input, t.name ?? '');
      if (scale.metadata.resourceVersion) this.checkPrecondition(t, existing, scale.metadata.resourceVersion);
      return this.finishScale(t, existing, scale.spec.replicas, opts);
    }
    const obj = this.decode(t, input);
    if (obj.metadata.name !== t.name) {
      throw errors.badRequest(
        `the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${t.name ?? ''})`,
      );
    }
    const existing = this.store.get(groupResource(t.rt), t.namespace, t.name ?? '');
    if (!existing) {
      if (t.rt.allowCreateOnUpdate && !t.subresource) {
        delete obj.metadata.resourceVersion;
        return this.create(t, obj, opts);
      }
      throw errors.notFound(t.rt, t.name ?? '');
    }
    const rv = obj.metadata.resourceVersion;
    if (!rv && t.rt.custom) {
      throw errors.invalid(t.rt, t.name ?? '', [
        {
          field: 'metadata.resourceVersion',
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0x0: must be specified for an update',
        },
      ]);
    }
    if (rv) this.checkPrecondition(t, existing, rv);
    return this.commit(t, existing, obj, opts, 200);
  }

  patch(t: Target, contentType: string, rawBody: string, opts: WriteOptions = {}): Result {
    const type = contentType.split(';')[0]?.trim() ?? '';
    const known = [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/apply-patch+yaml',
    ];
    if (!known.includes(type) || (t.rt.custom && type === 'application/strategic-merge-patch+json')) {
      throw errors.unsupportedMediaType(type);
    }
    let patch: unknown;
    try {
      patch = type === 'application/apply-patch+yaml' ? parseYaml(rawBody) : JSON.parse(rawBody);
    } catch (err) {
      throw errors.badRequest(`error decoding patch: ${(err as Error).message}`);
    }
    if (type === 'application/apply-patch+yaml' && !opts.fieldManager) {
      throw errors.badRequest('PATCH /apply requests require fieldManager to be set');
    }
    const existing = this.store.get(groupResource(t.rt), t.namespace, t.name ?? '');
    if (!existing) {
      // Server-side apply creates what does not exist yet; every other patch needs a target.
      if (type === 'application/apply-patch+yaml' && !t.subresource) return this.create(t, patch, opts);
      throw errors.notFound(t.rt, t.name ?? '');
    }
    const current =
      t.subresource === 'scale' ? readScale(t.rt, existing) : this.present(t.rt, existing, t.version);
    const apply = (): unknown => {
      switch (type) {
        case 'application/json-patch+json':
          return applyJsonPatch(current, patch);
        case 'application/merge-patch+json':
          return applyMergePatch(current, patch);
        default:
          // SMP and apply: merge with list merge keys for built-ins; plain merge for custom resources.
          return t.rt.custom ? applyMergePatch(current, patch) : applyStrategicMergePatch(current, patch);
      }
    };
    const patched = apply();
    if (!isObject(patched)) throw errors.badRequest('patched object is not a JSON object');
    const patchedRv = isObject(patched.metadata) ? patched.metadata.resourceVersion : undefined;
    // A resourceVersion carried in the patch is a precondition, as with PUT.
    if (typeof patchedRv === 'string' && patchedRv) this.checkPrecondition(t, existing, patchedRv);
    if (t.subresource === 'scale') {
      return this.finishScale(t, existing, scaleFromInput(patched, t.name ?? '').spec.replicas, opts);
    }
    const obj = this.decode(t, patched);
    return this.commit(t, existing, obj, opts, 200);
  }

  delete(t: Target, options: DeleteOptions = {}): Result {
    if (t.subresource) throw errors.methodNotAllowed();
    const existing = this.mustGet(t);
    const pre = options.preconditions ?? {};
    if (pre.uid && pre.uid !== existing.metadata.uid) {
      throw errors.conflict(
        t.rt,
        t.name ?? '',
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid ?? ''}`,
      );
    }
    if (pre.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw errors.conflict(
        t.rt,
        t.name ?? '',
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion ?? ''}`,
      );
    }
    if (pendingFinalizers(existing).length > 0) {
      if (existing.metadata.deletionTimestamp || options.dryRun)
        return { code: 200, body: this.present(t.rt, existing, t.version) };
      // Graceful deletion: mark, bump generation, keep the object until its finalizers are gone.
      const marked = clone(existing);
      marked.metadata.deletionTimestamp = nowTime();
      marked.metadata.deletionGracePeriodSeconds = 0;
      if (t.rt.tracksGeneration) marked.metadata.generation = (marked.metadata.generation ?? 0) + 1;
      if (t.rt.group === '' && t.rt.plural === 'namespaces')
        marked.status = { ...(isObject(marked.status) ? marked.status : {}), phase: 'Terminating' };
      const stored = this.store.put(groupResource(t.rt), marked);
      return { code: 200, body: this.present(t.rt, stored, t.version) };
    }
    if (options.dryRun) return this.deletedResponse(t, existing);
    const gone =
      this.store.remove(groupResource(t.rt), t.namespace, t.name ?? '', {
        propagationPolicy: options.propagationPolicy,
      }) ?? existing;
    return this.deletedResponse(t, gone);
  }

  deleteCollection(t: Target, list: ListOptions, options: DeleteOptions = {}): Result {
    const labels = parseLabelSelector(list.labelSelector);
    const fields = parseFieldSelector(list.fieldSelector);
    const victims = this.store
      .list(groupResource(t.rt), t.namespace)
      .filter((o) => labels(o.metadata.labels) && fields(o));
    const items = victims.map((o) => {
      const result = this.delete({ ...t, namespace: o.metadata.namespace, name: o.metadata.name }, options);
      return isObject(result.body) && result.body.kind !== 'Status'
        ? result.body
        : this.present(t.rt, o, t.version);
    });
    return {
      code: 200,
      body: {
        kind: t.rt.listKind,
        apiVersion: apiVersionOf(t.rt.group, t.version),
        metadata: { resourceVersion: String(this.store.currentRevision) },
        items,
      },
    };
  }

  /**
   * In-process write used by the simulators and the garbage collector: read, mutate, write back
   * through the same semantics as an HTTP update (a status write when `subresource` is 'status').
   * Returns undefined when the object does not exist.
   */
  mutate(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    change: (obj: KubeObject) => void,
    subresource?: string,
  ): KubeObject | undefined {
    const existing = this.store.get(groupResource(rt), namespace, name);
    if (!existing) return undefined;
    const candidate = clone(existing);
    change(candidate);
    const t: Target = {
      rt,
      version: rt.storageVersion,
      ...(namespace ? { namespace } : {}),
      name,
      ...(subresource ? { subresource } : {}),
    };
    return this.commit(t, existing, candidate, {}, 200).body as KubeObject;
  }

  /** Converts a stored object to the version a client asked for. */
  present(rt: ResourceType, obj: KubeObject, version: string): KubeObject {
    const out = clone(obj);
    out.apiVersion = apiVersionOf(rt.group, version);
    out.kind = rt.kind;
    return out;
  }

  // ---- internals ----

  private mustGet(t: Target): KubeObject {
    const obj = this.store.get(groupResource(t.rt), t.namespace, t.name ?? '');
    if (!obj) throw errors.notFound(t.rt, t.name ?? '');
    return obj;
  }

  private checkPrecondition(t: Target, existing: KubeObject, rv: string): void {
    if (rv !== existing.metadata.resourceVersion) throw errors.conflict(t.rt, t.name ?? '');
  }

  /** Body → object of this resource, with apiVersion/kind/namespace checked the way the decoder does. */
  private decode(t: Target, input: unknown): KubeObject {
    if (!isObject(input)) throw errors.badRequest('the body of the request must be a JSON object');
    const obj = clone(input) as KubeObject;
    if (!isObject(obj.metadata)) obj.metadata = {};
    const expected = apiVersionOf(t.rt.group, t.version);
    if (obj.apiVersion !== undefined && obj.apiVersion !== expected) {
      throw errors.badRequest(
        `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`,
      );
    }
    if (obj.kind !== undefined && obj.kind !== t.rt.kind) {
      throw errors.badRequest(
        `${t.rt.kind} in version "${t.version}" cannot be handled as a ${t.rt.kind}: kind ${String(obj.kind)} does not match`,
      );
    }
    obj.apiVersion = apiVersionOf(t.rt.group, t.rt.storageVersion);
    obj.kind = t.rt.kind;
    if (t.rt.namespaced) {
      if (obj.metadata.namespace && t.namespace && obj.metadata.namespace !== t.namespace) {
        throw errors.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      obj.metadata.namespace = t.namespace ?? obj.metadata.namespace ?? '';
    } else delete obj.metadata.namespace;
    return obj;
  }

  private checkNamespaceAcceptsContent(namespace: string): void {
    const ns = this.store.get(NAMESPACES, undefined, namespace);
    if (!ns) throw errors.notFound({ group: '', plural: 'namespaces' }, namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new ApiError(
        403,
        'Forbidden',
        `namespaces "${namespace}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        {
          name: namespace,
          kind: 'namespaces',
          causes: [
            {
              reason: 'NamespaceTerminating',
              message: `namespace ${namespace} is being terminated`,
              field: 'metadata.namespace',
            },
          ],
        },
      );
    }
  }

  /** Defaulting, pruning and validation; throws 422 (or 400 in strict mode) like admission + validation. */
  private admit(
    t: Target,
    obj: KubeObject,
    old: KubeObject | undefined,
    opts: WriteOptions,
  ): { object: KubeObject; warnings: string[] } {
    const problems: FieldError[] = [];
    const warnings: string[] = [];
    let object = obj;
    if (t.rt.custom) {
      const schema = t.rt.versions.find((v) => v.name === t.version)?.schema;
      const result = processCustomResource(schema, obj);
      object = result.object as KubeObject;
      if (result.unknownFields.length > 0) {
        if (opts.fieldValidation === 'Strict') {
          throw errors.badRequest(
            `strict decoding error: ${result.unknownFields.map((f) => `unknown field "${f}"`).join(', ')}`,
          );
        }
        if (opts.fieldValidation !== 'Ignore')
          warnings.push(...result.unknownFields.map((f) => `unknown field "${f}"`));
      }
      problems.push(...result.errors);
    } else {
      t.rt.prepare?.(object, old);
      problems.push(...(t.rt.validate?.(object, old) ?? []));
    }
    problems.unshift(...validateName(t.rt, object.metadata.name ?? ''), ...validateObjectMeta(object, old));
    if (problems.length > 0) throw errors.invalid(t.rt, object.metadata.name ?? '', problems);
    return { object, warnings };
  }

  /** Common tail of update and patch: subresource rules, generation, finalizers, no-op detection. */
  private commit(
    t: Target,
    existing: KubeObject,
    input: KubeObject,
    opts: WriteOptions,
    code: number,
  ): Result {
    let candidate: KubeObject;
    if (t.subresource === 'status') {
      // /status changes status only; metadata and spec come from the stored object.
      candidate = clone(existing);
      if (input.status === undefined) delete candidate.status;
      else candidate.status = input.status;
    } else if (t.subresource) {
      throw errors.methodNotAllowed();
    } else {
      candidate = input;
      const meta = candidate.metadata;
      const old = existing.metadata;
      for (const key of [
        'uid',
        'creationTimestamp',
        'deletionTimestamp',
        'deletionGracePeriodSeconds',
        'generation',
        'namespace',
        'generateName',
      ] as const) {
        if (old[key] === undefined) delete meta[key];
        else meta[key] = old[key] as never;
      }
      delete meta.managedFields;
      if (t.rt.status) {
        if (existing.status === undefined) delete candidate.status;
        else candidate.status = existing.status;
      }
    }
    candidate.metadata.resourceVersion = existing.metadata.resourceVersion;
    const { object, warnings } = this.admit(t, candidate, existing, opts);
    if (t.rt.tracksGeneration && specChanged(t.rt, existing, object)) {
      object.metadata.generation = (existing.metadata.generation ?? 0) + 1;
    }
    const gr = groupResource(t.rt);
    if (object.metadata.deletionTimestamp && pendingFinalizers(object).length === 0) {
      // The last finalizer is gone: the update completes the deletion.
      if (opts.dryRun) return { code, body: this.present(t.rt, object, t.version), warnings };
      const gone =
        this.store.remove(gr, object.metadata.namespace, object.metadata.name ?? '', {
          finalState: object,
        }) ?? object;
      return { code, body: this.present(t.rt, gone, t.version), warnings };
    }
    // Writing identical content is a no-op that keeps the resourceVersion, as in kube-apiserver.
    if (canonicalJson(object) === canonicalJson(existing) || opts.dryRun) {
      return { code, body: this.present(t.rt, opts.dryRun ? object : existing, t.version), warnings };
    }
    return { code, body: this.present(t.rt, this.store.put(gr, object), t.version), warnings };
  }

  private finishScale(t: Target, existing: KubeObject, replicas: number, opts: WriteOptions): Result {
    const candidate = clone(existing);
    writeScale(t.rt, candidate, replicas);
    const result = this.commit({ ...t, subresource: undefined }, existing, candidate, opts, 200);
    return { ...result, body: readScale(t.rt, result.body as KubeObject) };
  }

  private deletedResponse(t: Target, gone: KubeObject): Result {
    // Custom resources answer with the deleted object; most built-ins with a Status.
    if (t.rt.custom) return { code: 200, body: this.present(t.rt, gone, t.version) };
    return {
      code: 200,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name: gone.metadata.name, group: t.rt.group, kind: t.rt.plural, uid: gone.metadata.uid },
      },
    };
  }
}

/** metadata.finalizers, plus a Namespace's spec.finalizers (the namespace controller's "kubernetes"). */
export function pendingFinalizers(obj: KubeObject): string[] {
  const own = obj.metadata.finalizers ?? [];
  const spec =
    isObject(obj.spec) && obj.kind === 'Namespace' && Array.isArray(obj.spec.finalizers)
      ? (obj.spec.finalizers as string[])
      : [];
  return [...own, ...spec];
}

/** Generation tracks intent: anything outside metadata (and outside status when status is a subresource). */
function specChanged(rt: ResourceType, before: KubeObject, after: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const copy: Record<string, unknown> = { ...o };
    delete copy.metadata;
    if (rt.status) delete copy.status;
    return canonicalJson(copy);
  };
  return strip(before) !== strip(after);
}

function decodeContinue(token: string): { offset: number } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isObject(parsed) && typeof parsed.offset === 'number') return { offset: parsed.offset };
  } catch {
    // fall through to the error below
  }
  throw errors.badRequest(`continue key is not valid: ${token}`);
}
