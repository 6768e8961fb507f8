import type { Registry } from './registry.js';
import { apiVersionOf, type ResourceType } from './types.js';

/**
 * Legacy (non-aggregated) discovery documents. kubectl >= 1.26 first asks for aggregated discovery
 * (apidiscovery.k8s.io/v2) and falls back to these when the response is plain application/json.
 */

export const KUBERNETES_VERSION = { major: '1', minor: '30', gitVersion: 'v1.30.0' };

export function versionInfo(): Record<string, string> {
  return {
    ...KUBERNETES_VERSION,
    gitCommit: '7c48c2bd72b9bf5c44d21d7338cc7bea77d0ad2a',
    gitTreeState: 'clean',
    buildDate: '2024-04-17T17:27:03Z',
    goVersion: 'go1.22.2',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function coreVersions(): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
  };
}

function apiGroup(name: string, versions: string[]): Record<string, unknown> {
  const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: entries, preferredVersion: entries[0] };
}

export function groupList(registry: Registry): Record<string, unknown> {
  const groups = registry
    .groups()
    .filter((g) => g.name !== '')
    .map((g) => apiGroup(g.name, g.versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function group(registry: Registry, name: string): Record<string, unknown> | undefined {
  const found = registry.groups().find((g) => g.name === name && name !== '');
  return found && { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(found.name, found.versions) };
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

function entries(rt: ResourceType): Record<string, unknown>[] {
  const main = {
    name: rt.plural,
    singularName: rt.singular,
    namespaced: rt.namespaced,
    kind: rt.kind,
    verbs: VERBS,
    ...(rt.shortNames.length ? { shortNames: rt.shortNames } : {}),
    ...(rt.categories.length ? { categories: rt.categories } : {}),
  };
  const subs: Record<string, unknown>[] = [];
  if (rt.status)
    subs.push({
      name: `${rt.plural}/status`,
      singularName: '',
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: SUBRESOURCE_VERBS,
    });
  if (rt.scale) {
    subs.push({
      name: `${rt.plural}/scale`,
      singularName: '',
      namespaced: rt.namespaced,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: SUBRESOURCE_VERBS,
    });
  }
  return [main, ...subs];
}

export function resourceList(
  registry: Registry,
  groupName: string,
  version: string,
): Record<string, unknown> | undefined {
  const resources = registry.inGroupVersion(groupName, version);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(groupName, version),
    resources: resources.sort((a, b) => a.plural.localeCompare(b.plural)).flatMap(entries),
  };
}
