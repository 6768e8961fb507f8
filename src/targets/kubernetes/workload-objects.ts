/**
 * Reading and writing one kind of workload (Deployment, DaemonSet) the way both workload targets do:
 * the user's target and Aviary's `<name>-primary` read by the Canary, a missing object as `undefined` or
 * NOT_FOUND with the fix, creation that tolerates a racing create, and every update guarded by the
 * resourceVersion it was computed from and retried on conflict.
 */
import type { V1DaemonSet, V1Deployment, V1ObjectMeta } from '@kubernetes/client-node';
import { namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import { AviaryError } from '../../errors.js';
import { MERGE_PATCH, plain, type KubeClients } from '../../kube/client.js';
import { isAlreadyExists, isNotFound, retryOnConflict, toKubeError } from '../../kube/failure.js';
import { primaryName } from './metadata.js';

type Workload = V1Deployment | V1DaemonSet;

/** The apps/v1 calls of one workload kind. */
interface WorkloadCalls<T extends Workload> {
  kind: 'Deployment' | 'DaemonSet';
  read(clients: KubeClients, namespace: string, name: string): Promise<T>;
  create(clients: KubeClients, namespace: string, body: T): Promise<T>;
  replace(clients: KubeClients, namespace: string, name: string, body: T): Promise<unknown>;
  mergePatch(clients: KubeClients, namespace: string, name: string, body: object): Promise<unknown>;
}

export const DEPLOYMENTS: WorkloadCalls<V1Deployment> = {
  kind: 'Deployment',
  read: (c, namespace, name) => c.apps.readNamespacedDeployment({ name, namespace }),
  create: (c, namespace, body) => c.apps.createNamespacedDeployment({ namespace, body }),
  replace: (c, namespace, name, body) => c.apps.replaceNamespacedDeployment({ name, namespace, body }),
  mergePatch: (c, namespace, name, body) =>
    c.apps.patchNamespacedDeployment({ name, namespace, body }, MERGE_PATCH),
};

export const DAEMONSETS: WorkloadCalls<V1DaemonSet> = {
  kind: 'DaemonSet',
  read: (c, namespace, name) => c.apps.readNamespacedDaemonSet({ name, namespace }),
  create: (c, namespace, body) => c.apps.createNamespacedDaemonSet({ namespace, body }),
  replace: (c, namespace, name, body) => c.apps.replaceNamespacedDaemonSet({ name, namespace, body }),
  mergePatch: (c, namespace, name, body) =>
    c.apps.patchNamespacedDaemonSet({ name, namespace, body }, MERGE_PATCH),
};

export function workloadObjects<T extends Workload>(clients: KubeClients, calls: WorkloadCalls<T>) {
  const noun = calls.kind.toLowerCase();

  async function read(namespace: string, name: string): Promise<T | undefined> {
    try {
      return plain<T>(await calls.read(clients, namespace, name));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toKubeError(err, `reading ${noun} ${namespace}/${name}`);
    }
  }

  /** Runs `update` with conflicts retried; an Aviary error passes, an API failure says what was being done. */
  async function guarded(what: string, update: () => Promise<void>): Promise<void> {
    try {
      await retryOnConflict(update);
    } catch (err) {
      if (err instanceof AviaryError) throw err;
      throw toKubeError(err, what);
    }
  }

  const objects = {
    noun,

    /** The user's workload named by spec.targetRef. */
    async readTarget(canary: Canary): Promise<T> {
      const ref = canary.spec.targetRef;
      if (ref.kind !== calls.kind)
        throw new AviaryError(
          'INVALID_SPEC',
          `targetRef kind ${ref.kind} is not handled by the ${calls.kind} target`,
        );
      const namespace = namespaceOf(canary);
      const target = await read(namespace, ref.name);
      if (!target)
        throw new AviaryError(
          'NOT_FOUND',
          `${noun} ${namespace}/${ref.name} named by targetRef not found — create it or fix spec.targetRef.name`,
        );
      return target;
    },

    readPrimary: (canary: Canary) => read(namespaceOf(canary), primaryName(canary.spec.targetRef.name)),

    /** Creates the primary; one a concurrent tick created first is returned as it is. */
    async createPrimary(canary: Canary, body: T): Promise<T> {
      const namespace = namespaceOf(canary);
      try {
        return plain<T>(await calls.create(clients, namespace, body));
      } catch (err) {
        if (isAlreadyExists(err)) {
          const existing = await objects.readPrimary(canary);
          if (existing) return existing;
        }
        throw toKubeError(err, `creating ${noun} ${namespace}/${body.metadata?.name ?? ''}`);
      }
    },

    /**
     * Merge-patches the workload `name` with what `change` computes from its current state (nothing when it
     * returns undefined), guarded by the resourceVersion it was computed from.
     */
    async patch(canary: Canary, name: string, change: (current: T) => Record<string, unknown> | undefined) {
      const namespace = namespaceOf(canary);
      await guarded(`patching ${noun} ${namespace}/${name}`, async () => {
        const current = await read(namespace, name);
        if (!current) throw new AviaryError('NOT_FOUND', `${noun} ${namespace}/${name} not found`);
        const patch = change(current);
        if (!patch) return;
        const metadata = {
          ...(patch.metadata as object | undefined),
          resourceVersion: current.metadata?.resourceVersion,
        };
        await calls.mergePatch(clients, namespace, name, { ...patch, metadata });
      });
    },

    /**
     * Replaces the primary (promotion): its spec with what `nextSpec` makes of it, its labels, annotations
     * and owner references with `meta` (primaryMetadata). The primary must exist.
     */
    async replacePrimary(
      canary: Canary,
      meta: V1ObjectMeta,
      nextSpec: (primary: NonNullable<T['spec']>) => NonNullable<T['spec']>,
    ) {
      const namespace = namespaceOf(canary);
      const name = primaryName(canary.spec.targetRef.name);
      await guarded(`promoting ${noun} ${namespace}/${name}`, async () => {
        const primary = await objects.readPrimary(canary);
        if (!primary?.spec)
          throw new AviaryError(
            'NOT_FOUND',
            `${noun} ${namespace}/${name} not found — the canary must be initialized before promotion`,
          );
        const { labels, annotations, ownerReferences } = meta;
        const body = {
          ...primary,
          metadata: { ...primary.metadata, labels, annotations, ownerReferences },
          spec: nextSpec(primary.spec as NonNullable<T['spec']>),
        } as T;
        delete body.status;
        await calls.replace(clients, namespace, name, body);
      });
    },

    /** Readiness of a primary that is not there yet: not ready, retried. */
    primaryMissing(canary: Canary) {
      return {
        ready: false,
        retriable: true,
        reason: `${noun} ${primaryName(canary.spec.targetRef.name)} not found — waiting for initialization`,
      } as const;
    },
  };
  return objects;
}
