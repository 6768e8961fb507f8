import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { builtinResources } from './builtins.js';
import { wireCrdRegistration } from './crd-registration.js';
import { crdFilesIn, readCrdFiles } from './crds.js';
import { DeploymentSimulator } from './deployment-simulator.js';
import { ApiError } from './errors.js';
import { GarbageCollector } from './garbage-collector.js';
import { HpaSimulator } from './hpa-simulator.js';
import { loadKubeConfig, writeKubeconfig } from './kubeconfig.js';
import { runKubectl, type KubectlOptions, type KubectlResult } from './kubectl.js';
import { Registry } from './registry.js';
import { RestStore } from './rest-store.js';
import { HttpFront, type Fault, type RequestRecord } from './server.js';
import { Store } from './store.js';
import { clone, groupResource, type KubeObject, type ResourceType } from './types.js';
import { WatchHub } from './watch.js';

export { STUCK_ANNOTATION } from './deployment-simulator.js';
export { KUBERNETES_VERSION } from './discovery.js';
export type { Fault, RequestRecord } from './server.js';
export type { KubectlResult, KubectlOptions } from './kubectl.js';
export type { KubeObject } from './types.js';

export interface FakeApiServerOptions {
  /** CRD manifests (YAML, multi-document allowed) registered before the server answers. */
  crdFiles?: string[];
  /** Directories whose *.yaml / *.yml CRD manifests are registered. */
  crdDirs?: string[];
  /** Namespaces to create besides default, kube-system, kube-public and kube-node-lease. */
  namespaces?: string[];
  /** Run the Deployment status simulator (default true). */
  simulateDeployments?: boolean;
  /** Delay before a changed Deployment reports its rollout done (default 50 ms). */
  deploymentReadyDelayMs?: number;
  /** Run the minimal HPA controller (default true). */
  simulateHpas?: boolean;
  /** Interval of BOOKMARK events on watches that allow them (default 5000 ms). */
  bookmarkIntervalMs?: number;
  /** Events kept for watch resumption before older resourceVersions get 410 (default 10000). */
  eventLogCapacity?: number;
  port?: number;
}

export interface FakeApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** A kubeconfig file pointing at this server (current context namespace: default). */
  readonly kubeconfigPath: string;
  /** A fresh client-node KubeConfig loaded from `kubeconfigPath`. */
  kubeConfig(): KubeConfig;
  /** Runs the real kubectl against this server (adds --kubeconfig, a private --cache-dir, --validate=false). */
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;

  /** Registers a CRD object as if it had been created through the API (422 on an invalid CRD). */
  registerCrd(crd: KubeObject): KubeObject;
  registerCrdFiles(files: string[]): Promise<void>;

  /**
   * Stored objects, addressed by qualified resource (`deployments.apps`, `configmaps`,
   * `virtualservices.networking.istio.io`). Returned as copies in the storage version.
   */
  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(resource: string, namespace?: string): KubeObject[];
  /** Creates an object through the normal admission path (defaults, validation, resourceVersion). */
  create(obj: KubeObject): KubeObject;
  /** Polls the store until `predicate` holds for the object (or its absence); rejects after timeoutMs. */
  waitFor(
    resource: string,
    namespace: string | undefined,
    name: string,
    predicate: (obj: KubeObject | undefined) => boolean,
    timeoutMs?: number,
  ): Promise<KubeObject | undefined>;

  /** Every request received so far, in arrival order. */
  readonly requests: readonly RequestRecord[];
  clearRequests(): void;
  /** Makes the next matching request(s) fail or wait. */
  injectFault(fault: Fault): void;
  /** Ends all open watch streams (cleanly by default; `abrupt` destroys the sockets). Returns how many. */
  dropWatches(opts?: { abrupt?: boolean }): number;
  readonly activeWatches: number;
  /** Forgets watch history: any watch from an older resourceVersion gets a 410 Expired event. */
  compactHistory(): void;
  readonly currentResourceVersion: string;

  close(): Promise<void>;
}

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function startFakeApiServer(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const dir = await mkdtemp(join(tmpdir(), 'aviary-apiserver-'));
  const store = new Store(opts.eventLogCapacity);
  const registry = new Registry();
  for (const rt of builtinResources()) registry.register(rt);
  const unwireCrds = wireCrdRegistration(store, registry);
  const rest = new RestStore(store, registry);
  const watches = new WatchHub(store, rest, opts.bookmarkIntervalMs ?? 5000);
  const front = new HttpFront(registry, rest, watches);
  const gc = new GarbageCollector(store, registry, rest);
  const deployments =
    opts.simulateDeployments === false
      ? undefined
      : new DeploymentSimulator(store, registry, rest, opts.deploymentReadyDelayMs ?? 50);
  const hpas = opts.simulateHpas === false ? undefined : new HpaSimulator(store, registry, rest);

  const resolve = (resource: string): ResourceType => {
    const dot = resource.indexOf('.');
    const [plural, group] = dot < 0 ? [resource, ''] : [resource.slice(0, dot), resource.slice(dot + 1)];
    const rt = registry.get(group, plural);
    if (!rt)
      throw new Error(
        `fake apiserver: unknown resource ${resource} (use the plural, qualified by group: deployments.apps)`,
      );
    return rt;
  };
  const create = (obj: KubeObject): KubeObject => {
    const [group, version] = (obj.apiVersion ?? '').includes('/')
      ? (obj.apiVersion ?? '').split('/')
      : ['', obj.apiVersion ?? ''];
    const rt = registry.byKind(group ?? '', obj.kind ?? '');
    if (!rt || !version)
      throw new Error(`fake apiserver: no resource serves ${obj.apiVersion ?? '?'} ${obj.kind ?? '?'}`);
    const target = {
      rt,
      version,
      ...(rt.namespaced ? { namespace: obj.metadata.namespace ?? 'default' } : {}),
    };
    return rest.create(target, obj).body as KubeObject;
  };
  const registerCrd = (crd: KubeObject): KubeObject => {
    const existing = store.get(
      'apiextensions.k8s.io/customresourcedefinitions',
      undefined,
      crd.metadata.name ?? '',
    );
    if (!existing) return create(crd);
    const crdType = resolve('customresourcedefinitions.apiextensions.k8s.io');
    const body = {
      ...clone(crd),
      metadata: { ...crd.metadata, resourceVersion: existing.metadata.resourceVersion },
    };
    return rest.update({ rt: crdType, version: 'v1', name: crd.metadata.name ?? '' }, body)
      .body as KubeObject;
  };
  const registerCrdFiles = async (files: string[]) => {
    for (const crd of await readCrdFiles(files)) registerCrd(crd);
  };

  for (const name of [...DEFAULT_NAMESPACES, ...(opts.namespaces ?? [])]) {
    create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  await registerCrdFiles([...(opts.crdFiles ?? []), ...(await crdFilesIn(opts.crdDirs ?? []))]);

  const port = await front.listen(opts.port);
  const url = `http://127.0.0.1:${port}`;
  const kubeconfigPath = await writeKubeconfig(dir, url);
  const cacheDir = join(dir, 'kubectl-cache');

  return {
    url,
    port,
    kubeconfigPath,
    kubeConfig: () => loadKubeConfig(kubeconfigPath),
    kubectl: (args, kubectlOpts) => runKubectl(kubeconfigPath, cacheDir, args, kubectlOpts),
    registerCrd,
    registerCrdFiles,
    get: (resource, namespace, name) => store.get(groupResource(resolve(resource)), namespace, name),
    list: (resource, namespace) => store.list(groupResource(resolve(resource)), namespace),
    create,
    async waitFor(resource, namespace, name, predicate, timeoutMs = 5000) {
      const gr = groupResource(resolve(resource));
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const obj = store.get(gr, namespace, name);
        if (predicate(obj)) return obj;
        if (Date.now() > deadline)
          throw new Error(
            `fake apiserver: timed out waiting for ${resource} ${namespace ?? ''}/${name}; last seen: ${JSON.stringify(obj)}`,
          );
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    get requests() {
      return front.requests;
    },
    clearRequests: () => void (front.requests.length = 0),
    injectFault: (fault) => front.injectFault(fault),
    dropWatches: (o) => watches.dropAll(o?.abrupt ?? false),
    get activeWatches() {
      return watches.count;
    },
    compactHistory: () => store.compact(),
    get currentResourceVersion() {
      return String(store.currentRevision);
    },
    async close() {
      deployments?.stop();
      hpas?.stop();
      gc.stop();
      unwireCrds();
      await front.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** client-node's ApiException carries the metav1.Status as text; tests often want its reason. */
export function statusOf(err: unknown): {
  code?: number;
  reason?: string;
  message?: string;
  details?: Record<string, unknown>;
} {
  const body = (err as { body?: unknown }).body;
  try {
    return typeof body === 'string'
      ? (JSON.parse(body) as ReturnType<typeof statusOf>)
      : ((body ?? {}) as ReturnType<typeof statusOf>);
  } catch {
    return { message: String(body) };
  }
}

export { ApiError };
