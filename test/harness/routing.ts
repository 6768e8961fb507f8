import type { Registry } from './registry.js';

/** A request path split into the parts the API server dispatches on. */
export type Route =
  | { kind: 'nonResource'; path: string }
  | {
      kind: 'resource';
      group: string;
      version: string;
      resource: string;
      namespace?: string;
      name?: string;
      subresource?: string;
      /** The deprecated `/watch/` path prefix. */
      legacyWatch: boolean;
    };

/**
 * `/api/v1/namespaces/ns/pods/name/status`, `/apis/apps/v1/deployments`, `/api/v1/namespaces/name`…
 * A path is resource-shaped once it names a group and version and at least one more segment.
 */
export function parseRoute(pathname: string, registry: Registry): Route {
  const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let rest: string[];
  let group: string;
  let version: string;
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    version = segments[1] ?? '';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1] ?? '';
    version = segments[2] ?? '';
    rest = segments.slice(3);
  } else return { kind: 'nonResource', path: pathname };

  const legacyWatch = rest[0] === 'watch';
  if (legacyWatch) rest = rest.slice(1);
  const base = { kind: 'resource' as const, group, version, legacyWatch };
  // `namespaces/<ns>/<resource>…` is a namespaced path unless <resource> is a subresource of the Namespace itself.
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    registry.resolve(group, version, rest[2] ?? '')?.rt.namespaced
  ) {
    return {
      ...base,
      namespace: rest[1],
      resource: rest[2] ?? '',
      ...opt('name', rest[3]),
      ...opt('subresource', rest[4]),
    };
  }
  return { ...base, resource: rest[0] ?? '', ...opt('name', rest[1]), ...opt('subresource', rest[2]) };
}

function opt<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** The RBAC verb of a request, as the authorizer computes it. */
export function verbOf(method: string, hasName: boolean, watch: boolean): Verb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}
