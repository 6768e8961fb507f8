/**
 * KubeClients whose reads of watched kinds come from an ObjectCache (./object-cache.ts) and whose
 * writes of those kinds feed it: the code that reads and writes Deployments, Services and routing
 * objects stays as it is, and only the controller hands it these clients.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { GROUP, VERSION, type KubeClients } from './client.js';
import { isConflict } from './failure.js';
import { DEPLOYMENTS, HPAS, kindKey, SERVICES, type CacheKind, type ObjectCache } from './object-cache.js';

export const CANARIES = kindKey(GROUP, VERSION, 'canaries');

type Call = (
  param: { name?: string; namespace?: string; body?: unknown },
  ...rest: unknown[]
) => Promise<unknown>;

/** A copy of `api` (its prototype chain keeps every other method) with `overrides` in front. */
function over<T extends object>(api: T, overrides: Record<string, Call>): T {
  return Object.assign(Object.create(api) as T, overrides);
}

export function cachedClients(clients: KubeClients, cache: ObjectCache): KubeClients {
  /** A GET of `kind`, from the cache where it covers the kind. */
  const read =
    (kind: (param: Record<string, string>) => CacheKind, call: Call): Call =>
    (param, ...rest) => {
      const k = kind(param as Record<string, string>);
      if (!cache.covers(k)) return call(param, ...rest);
      return cache.read(k, param.namespace ?? '', param.name ?? '', () => call(param, ...rest));
    };
  /** A write of `kind`: what it returns is recorded, a conflict makes the next read go live. */
  const write =
    (kind: (param: Record<string, string>) => CacheKind, call: Call): Call =>
    async (param, ...rest) => {
      const k = kind(param as Record<string, string>);
      try {
        const written = await call(param, ...rest);
        cache.record(k, written);
        return written;
      } catch (err) {
        const name = param.name ?? (param.body as KubernetesObject | undefined)?.metadata?.name ?? '';
        if (isConflict(err)) cache.suspect(k, param.namespace ?? '', name);
        throw err;
      }
    };
  const fixed = (kind: CacheKind) => () => kind;
  const custom = (p: Record<string, string>) => kindKey(p.group ?? '', p.version ?? '', p.plural ?? '');
  const bind = <T extends object>(api: T, method: keyof T) => (api[method] as Call).bind(api);

  const { apps, core, autoscaling } = clients;
  const customApi = clients.custom;
  return {
    ...clients,
    apps: over(apps, {
      readNamespacedDeployment: read(fixed(DEPLOYMENTS), bind(apps, 'readNamespacedDeployment')),
      createNamespacedDeployment: write(fixed(DEPLOYMENTS), bind(apps, 'createNamespacedDeployment')),
      replaceNamespacedDeployment: write(fixed(DEPLOYMENTS), bind(apps, 'replaceNamespacedDeployment')),
      patchNamespacedDeployment: write(fixed(DEPLOYMENTS), bind(apps, 'patchNamespacedDeployment')),
    }),
    core: over(core, {
      readNamespacedService: read(fixed(SERVICES), bind(core, 'readNamespacedService')),
      createNamespacedService: write(fixed(SERVICES), bind(core, 'createNamespacedService')),
      replaceNamespacedService: write(fixed(SERVICES), bind(core, 'replaceNamespacedService')),
    }),
    autoscaling: over(autoscaling, {
      readNamespacedHorizontalPodAutoscaler: read(
        fixed(HPAS),
        bind(autoscaling, 'readNamespacedHorizontalPodAutoscaler'),
      ),
      createNamespacedHorizontalPodAutoscaler: write(
        fixed(HPAS),
        bind(autoscaling, 'createNamespacedHorizontalPodAutoscaler'),
      ),
      replaceNamespacedHorizontalPodAutoscaler: write(
        fixed(HPAS),
        bind(autoscaling, 'replaceNamespacedHorizontalPodAutoscaler'),
      ),
    }),
    custom: over(customApi, {
      getNamespacedCustomObject: read(custom, bind(customApi, 'getNamespacedCustomObject')),
      createNamespacedCustomObject: write(custom, bind(customApi, 'createNamespacedCustomObject')),
      replaceNamespacedCustomObject: write(custom, bind(customApi, 'replaceNamespacedCustomObject')),
      patchNamespacedCustomObject: write(custom, bind(customApi, 'patchNamespacedCustomObject')),
      replaceNamespacedCustomObjectStatus: write(
        custom,
        bind(customApi, 'replaceNamespacedCustomObjectStatus'),
      ),
    }),
  };
}
