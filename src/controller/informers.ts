/**
 * The controller's watches: Canaries, MetricTemplates and AlertProviders (aviary.dev) and the target
 * Deployments, in one namespace or all. Their caches answer the lookups a reconcile needs.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { AlertProvider, Canary, MetricTemplate } from '../api/types.js';
import { GROUP, VERSION, type KubeClients } from '../kube/client.js';
import { superviseInformer, type InformerHandlers, type SupervisedInformer } from '../kube/informer.js';
import { customObjectPages } from '../kube/paged-list.js';

/** What the informer caches answer for a Canary's references. */
export interface ControllerLookups {
  metricTemplate(namespace: string, name: string): MetricTemplate | undefined;
  alertProvider(namespace: string, name: string): AlertProvider | undefined;
}

export interface InformerHooks {
  onCanaryUpsert(canary: Canary): void;
  onCanaryDelete(canary: Canary): void;
  onDeploymentUpsert(deployment: KubernetesObject): void;
}

export interface ControllerInformers {
  canaries(): Canary[];
  /** The Canary and Deployment watches, whose caches also serve the reconcile's reads (kube/object-cache). */
  watches: {
    canaries: SupervisedInformer<KubernetesObject>;
    deployments: SupervisedInformer<KubernetesObject>;
  };
  lookups: ControllerLookups;
  /** Empty when every watch is up, else one line per watch that is down. */
  problems(): string[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function controllerInformers(
  clients: KubeClients,
  namespace: string | undefined,
  hooks: InformerHooks,
  log: (message: string) => void,
): ControllerInformers {
  const path = (plural: string, group: string, version: string) =>
    namespace
      ? `/apis/${group}/${version}/namespaces/${namespace}/${plural}`
      : `/apis/${group}/${version}/${plural}`;
  const ignore: InformerHandlers<KubernetesObject> = { onUpsert: () => {}, onDelete: () => {} };
  const custom = (plural: string, handlers: InformerHandlers<KubernetesObject> = ignore) =>
    superviseInformer<KubernetesObject>({
      clients,
      path: path(plural, GROUP, VERSION),
      listPage: customObjectPages(clients, { group: GROUP, version: VERSION, plural }, namespace),
      handlers,
      log,
    });

  const canaries = custom('canaries', {
    onUpsert: (obj) => hooks.onCanaryUpsert(obj as Canary),
    onDelete: (obj) => hooks.onCanaryDelete(obj as Canary),
  });
  const templates = custom('metrictemplates');
  const alertProviders = custom('alertproviders');
  const deployments = superviseInformer<KubernetesObject>({
    clients,
    path: path('deployments', 'apps', 'v1'),
    listPage: (page) =>
      namespace
        ? clients.apps.listNamespacedDeployment({ namespace, ...page })
        : clients.apps.listDeploymentForAllNamespaces(page),
    handlers: { onUpsert: (d) => hooks.onDeploymentUpsert(d), onDelete: () => {} },
    log,
  });
  const all: [string, SupervisedInformer<KubernetesObject>][] = [
    ['canaries', canaries],
    ['metric templates', templates],
    ['alert providers', alertProviders],
    ['deployments', deployments],
  ];

  return {
    canaries: () => canaries.list() as Canary[],
    watches: { canaries, deployments },
    lookups: {
      metricTemplate: (ns, name) => templates.get(name, ns) as MetricTemplate | undefined,
      alertProvider: (ns, name) => alertProviders.get(name, ns) as AlertProvider | undefined,
    },
    problems: () =>
      all
        .filter(([, informer]) => !informer.healthy)
        .map(([what]) => `watch on ${what} is down (reconnecting)`),
    // References first, so the first canary reconcile finds its templates and providers cached.
    async start() {
      await Promise.all([templates.start(), alertProviders.start(), deployments.start()]);
      await canaries.start();
    },
    async stop() {
      await Promise.all(all.map(([, informer]) => informer.stop()));
    },
  };
}
