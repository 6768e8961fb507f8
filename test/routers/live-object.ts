/**
 * The routing objects as they live on the test control plane, and the other writers a user's cluster
 * has besides Aviary: a GitOps tool that puts the weights back behind Aviary's back (a read and a
 * replace through the API server, as admin), and a mutating admission webhook that keeps an object's
 * spec and annotations as they are whatever a client writes (a real webhook the real API server calls).
 */
import { KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { isNotFound } from '../../src/kube/failure.js';
import { startMutatingWebhook, type MutatingWebhook } from '../cluster/mutating-webhook.js';

export interface RoutingRef {
  /** As the router writes it: `networking.istio.io/v1beta1`, `v1`, ... */
  apiVersion: string;
  kind: string;
  /** The resource's plural, for the webhook's rules: `virtualservices`. */
  plural: string;
  name: string;
}

export interface LiveObject extends KubernetesObject {
  metadata: NonNullable<KubernetesObject['metadata']> & { name: string; namespace: string };
  spec?: unknown;
  status?: unknown;
}

const apis = new WeakMap<KubeConfig, KubernetesObjectApi>();
function objectApi(config: KubeConfig): KubernetesObjectApi {
  let api = apis.get(config);
  if (!api) {
    api = KubernetesObjectApi.makeApiClient(config);
    apis.set(config, api);
  }
  return api;
}

/** Plain JSON (typed kinds come back as class instances with Dates). */
const plain = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;

/** The object as the API server holds it now, or undefined. */
export async function readLive(
  config: KubeConfig,
  namespace: string,
  ref: RoutingRef,
): Promise<LiveObject | undefined> {
  try {
    return plain<LiveObject>(
      await objectApi(config).read({
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name: ref.name, namespace },
      }),
    );
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export async function mustRead(config: KubeConfig, namespace: string, ref: RoutingRef): Promise<LiveObject> {
  const live = await readLive(config, namespace, ref);
  if (!live) throw new Error(`${ref.kind} ${namespace}/${ref.name} does not exist`);
  return live;
}

/** Puts `snapshot`'s spec and annotations back on the live object, as a GitOps tool reverting drift would. */
export async function revertTo(
  config: KubeConfig,
  namespace: string,
  ref: RoutingRef,
  snapshot: LiveObject,
): Promise<LiveObject> {
  const live = await mustRead(config, namespace, ref);
  return plain<LiveObject>(
    await objectApi(config).replace({
      ...live,
      metadata: { ...live.metadata, annotations: snapshot.metadata.annotations ?? {} },
      spec: snapshot.spec,
    }),
  );
}

/**
 * A mutating admission webhook, registered on the real API server for `ref`'s resource in `namespace`,
 * that answers every update of `ref` with a patch restoring the stored spec and annotations: the write
 * succeeds and the server keeps what it had (as a policy webhook that pins weights would).
 */
export async function keepAsStored(
  admin: KubeConfig,
  namespace: string,
  ref: RoutingRef,
): Promise<MutatingWebhook> {
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  const webhook = await startMutatingWebhook({
    admin,
    namespace,
    resources: [`${group}/${ref.plural}`],
    mutate(request) {
      if (request.operation !== 'UPDATE' || request.name !== ref.name || !request.oldObject) return undefined;
      const old = request.oldObject as { spec?: unknown; metadata?: { annotations?: unknown } };
      return [
        { op: 'add', path: '/metadata/annotations', value: old.metadata?.annotations ?? {} },
        { op: 'replace', path: '/spec', value: old.spec },
      ];
    },
  });
  try {
    // A dry-run replace by admin: the webhook sees it once the API server has loaded the configuration.
    await webhook.waitUntilActive(async () => {
      const live = await mustRead(admin, namespace, ref);
      await objectApi(admin).replace(live, undefined, 'All');
    });
  } catch (err) {
    await webhook.close();
    throw err;
  }
  return webhook;
}
