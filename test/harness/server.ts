import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { coreVersions, group, groupList, resourceList, versionInfo } from './discovery.js';
import { ApiError, errors } from './errors.js';
import type { Registry } from './registry.js';
import type { DeleteOptions, RestStore, Result, Target } from './rest-store.js';
import { parseRoute, verbOf, type Route, type Verb } from './routing.js';
import { wantsTable, toTable } from './table.js';
import { isObject, type KubeObject } from './types.js';
import type { WatchHub } from './watch.js';

/** One request as the authorizer would see it: what an RBAC rule must allow for it to pass. */
export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  verb: Verb | undefined;
  /** Set for resource requests; `''` is the core group. */
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Set for discovery, /version, /openapi… (RBAC `nonResourceURLs`). */
  nonResourceURL?: string;
  userAgent?: string;
  /** HTTP status; 0 while a watch is still streaming. */
  code: number;
}

/** A fault to inject: the next `times` matching requests fail (or are delayed) before reaching storage. */
export interface Fault {
  verb?: Verb;
  /** Qualified resource, e.g. `deployments.apps`, `configmaps`, `canaries.aviary.dev`. */
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  times?: number;
  code?: number;
  reason?: string;
  message?: string;
  delayMs?: number;
  retryAfterSeconds?: number;
}

export class HttpFront {
  readonly requests: RequestRecord[] = [];
  private readonly faults: (Fault & { remaining: number })[] = [];
  private server?: Server;

  constructor(
    private readonly registry: Registry,
    private readonly rest: RestStore,
    private readonly watches: WatchHub,
  ) {}

  async listen(port = 0): Promise<number> {
    this.server = createServer((req, res) => void this.handle(req, res));
    // Keep-alive sockets would hold close() open; watches are ended explicitly.
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.watches.dropAll(true);
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  injectFault(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const record: RequestRecord = { method, path: url.pathname, query: url.search, verb: undefined, code: 0 };
    if (req.headers['user-agent']) record.userAgent = req.headers['user-agent'];
    this.requests.push(record);
    res.on('finish', () => (record.code = res.statusCode));
    try {
      const body = await readBody(req);
      const route = parseRoute(url.pathname, this.registry);
      const watch =
        route.kind === 'resource' &&
        (route.legacyWatch || ['true', '1'].includes(url.searchParams.get('watch') ?? ''));
      if (route.kind === 'resource') {
        record.verb = verbOf(method, route.name !== undefined, watch);
        Object.assign(record, {
          apiGroup: route.group,
          apiVersion: route.version,
          resource: route.resource,
          ...(route.subresource ? { subresource: route.subresource } : {}),
          ...(route.namespace ? { namespace: route.namespace } : {}),
          ...(route.name ? { name: route.name } : {}),
        });
      } else {
        record.verb = method === 'GET' ? 'get' : verbOf(method, true, false);
        record.nonResourceURL = url.pathname;
      }
      await this.applyFaults(record);
      if (route.kind === 'nonResource')
        return this.send(res, { code: 200, body: this.nonResource(route.path) });
      this.dispatch(req, res, url, route, body, watch);
    } catch (err) {
      this.sendError(res, err);
    }
  }

  private nonResource(path: string): unknown {
    const trimmed = path.replace(/\/+$/, '') || '/';
    if (trimmed === '/version') return versionInfo();
    if (trimmed === '/api') return coreVersions();
    if (trimmed === '/apis') return groupList(this.registry);
    if (['/healthz', '/livez', '/readyz'].includes(trimmed)) return 'ok';
    const core = /^\/api\/([^/]+)$/.exec(trimmed);
    if (core) return resourceList(this.registry, '', core[1] ?? '') ?? notFound(path);
    const groupOnly = /^\/apis\/([^/]+)$/.exec(trimmed);
    if (groupOnly) return group(this.registry, groupOnly[1] ?? '') ?? notFound(path);
    const groupVersion = /^\/apis\/([^/]+)\/([^/]+)$/.exec(trimmed);
    if (groupVersion)
      return resourceList(this.registry, groupVersion[1] ?? '', groupVersion[2] ?? '') ?? notFound(path);
    // /openapi/v2 and /v3 are not served: kubectl then needs --validate=false (it cannot validate offline).
    return notFound(path);
  }

  private dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    route: Extract<Route, { kind: 'resource' }>,
    body: string,
    watch: boolean,
  ): void {
    const resolved = this.registry.resolve(route.group, route.version, route.resource);
    if (!resolved)
      throw errors.notFoundPath(
        `${route.group ? route.group + '/' : ''}${route.version}, Resource=${route.resource}`,
      );
    const { rt } = resolved;
    if (
      route.subresource &&
      !(route.subresource === 'status' && rt.status) &&
      !(route.subresource === 'scale' && rt.scale)
    ) {
      throw errors.notFoundPath(`${rt.plural}/${route.subresource}`);
    }
    if (rt.namespaced === false && route.namespace) throw errors.notFoundPath(url.pathname);
    const t: Target = {
      rt,
      version: route.version,
      ...(route.namespace !== undefined ? { namespace: route.namespace } : {}),
      ...(route.name !== undefined ? { name: route.name } : {}),
      ...(route.subresource !== undefined ? { subresource: route.subresource } : {}),
    };
    const q = url.searchParams;
    const opts = {
      dryRun: q.getAll('dryRun').includes('All'),
      ...(q.get('fieldValidation') ? { fieldValidation: q.get('fieldValidation') ?? '' } : {}),
      ...(q.get('fieldManager') ? { fieldManager: q.get('fieldManager') ?? '' } : {}),
    };
    const selectors = { labelSelector: q.get('labelSelector'), fieldSelector: q.get('fieldSelector') };
    const contentType = req.headers['content-type'] ?? 'application/json';
    switch (req.method) {
      case 'GET': {
        if (watch) {
          return this.watches.serve(res, t, {
            ...selectors,
            resourceVersion: q.get('resourceVersion'),
            allowWatchBookmarks: q.get('allowWatchBookmarks') === 'true',
            sendInitialEvents: q.get('sendInitialEvents') === 'true',
            ...(q.get('timeoutSeconds') ? { timeoutSeconds: Number(q.get('timeoutSeconds')) } : {}),
          });
        }
        if (t.name !== undefined) {
          const one = this.rest.get(t);
          if (!wantsTable(req.headers.accept) || t.subresource) return this.send(res, one);
          const obj = one.body as KubeObject;
          return this.send(res, {
            code: 200,
            body: toTable(rt, t.version, [obj], obj.metadata.resourceVersion ?? '', q.get('includeObject')),
          });
        }
        const list = this.rest.list(t, {
          ...selectors,
          limit: Number(q.get('limit') ?? 0),
          continue: q.get('continue'),
        });
        if (!wantsTable(req.headers.accept)) return this.send(res, list);
        const { items, metadata } = list.body as {
          items: KubeObject[];
          metadata: { resourceVersion: string; continue?: string };
        };
        const table = toTable(rt, t.version, items, metadata.resourceVersion, q.get('includeObject'));
        if (metadata.continue) (table.metadata as Record<string, unknown>).continue = metadata.continue;
        return this.send(res, { code: 200, body: table });
      }
      case 'POST':
        if (t.name !== undefined && !t.subresource) throw errors.methodNotAllowed();
        return this.send(res, this.rest.create(t, decodeBody(body, contentType), opts));
      case 'PUT':
        if (t.name === undefined) throw errors.methodNotAllowed();
        return this.send(res, this.rest.update(t, decodeBody(body, contentType), opts));
      case 'PATCH':
        if (t.name === undefined) throw errors.methodNotAllowed();
        return this.send(res, this.rest.patch(t, contentType, body, opts));
      case 'DELETE': {
        const deleteOptions = this.deleteOptions(body, q);
        if (t.name === undefined)
          return this.send(res, this.rest.deleteCollection(t, selectors, deleteOptions));
        return this.send(res, this.rest.delete(t, deleteOptions));
      }
      default:
        throw errors.methodNotAllowed();
    }
  }

  private deleteOptions(body: string, q: URLSearchParams): DeleteOptions {
    const parsed: unknown = body.trim() ? decodeBody(body, 'application/json') : {};
    const options = isObject(parsed) ? parsed : {};
    const policy =
      q.get('propagationPolicy') ??
      (typeof options.propagationPolicy === 'string' ? options.propagationPolicy : undefined);
    const dryRun =
      q.getAll('dryRun').includes('All') || (Array.isArray(options.dryRun) && options.dryRun.includes('All'));
    return {
      ...(policy ? { propagationPolicy: policy } : {}),
      ...(isObject(options.preconditions)
        ? { preconditions: options.preconditions as DeleteOptions['preconditions'] }
        : {}),
      dryRun,
    };
  }

  private async applyFaults(record: RequestRecord): Promise<void> {
    const qualified = record.resource
      ? record.apiGroup
        ? `${record.resource}.${record.apiGroup}`
        : record.resource
      : undefined;
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (!f.verb || f.verb === record.verb) &&
        (!f.resource || f.resource === qualified) &&
        (f.subresource === undefined || f.subresource === record.subresource) &&
        (!f.namespace || f.namespace === record.namespace) &&
        (!f.name || f.name === record.name),
    );
    if (!fault) return;
    fault.remaining--;
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault.code) {
      const reasons: Record<number, string> = {
        409: 'Conflict',
        429: 'TooManyRequests',
        500: 'InternalError',
        503: 'ServiceUnavailable',
        504: 'Timeout',
      };
      throw new ApiError(
        fault.code,
        fault.reason ?? reasons[fault.code] ?? 'Unknown',
        fault.message ?? `injected fault (${fault.code})`,
        fault.retryAfterSeconds ? { retryAfterSeconds: fault.retryAfterSeconds } : undefined,
        fault.retryAfterSeconds ? { 'Retry-After': String(fault.retryAfterSeconds) } : undefined,
      );
    }
  }

  private send(res: ServerResponse, result: Result): void {
    const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json' };
    if (result.warnings?.length) headers.Warning = result.warnings.map((w) => `299 - ${JSON.stringify(w)}`);
    const payload = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
    if (typeof result.body === 'string') headers['Content-Type'] = 'text/plain; charset=utf-8';
    res.writeHead(result.code, headers);
    res.end(payload);
  }

  private sendError(res: ServerResponse, err: unknown): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    const apiError =
      err instanceof ApiError
        ? err
        : new ApiError(
            500,
            'InternalError',
            `Internal error occurred: ${(err as Error)?.message ?? String(err)}`,
          );
    if (!(err instanceof ApiError)) console.error('[fake-apiserver] internal error', err);
    res.writeHead(apiError.code, { 'Content-Type': 'application/json', ...apiError.headers });
    res.end(JSON.stringify(apiError.toStatus()));
  }
}

function notFound(path: string): never {
  throw errors.notFoundPath(path);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function decodeBody(body: string, contentType: string): unknown {
  try {
    return /yaml/.test(contentType) ? parseYaml(body) : JSON.parse(body);
  } catch (err) {
    throw errors.badRequest(`error decoding request body: ${(err as Error).message}`);
  }
}
