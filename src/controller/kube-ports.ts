/**
 * Builds the engine's ports for one Canary on Kubernetes: the workload target (Deployment or DaemonSet),
 * the Services plus the mesh router named by `spec.provider` (or the controller's default), Prometheus for
 * metrics, HTTP webhooks, alert providers resolved from the informer cache, Events and the status
 * subresource.
 */
import type { Logger as PinoLogger } from 'pino';
import { providerOf, namespaceOf } from '../api/defaults.js';
import type { Canary, MetricTemplate, Provider } from '../api/types.js';
import type { EnginePorts, TrafficRouter } from '../engine/ports.js';
import { AviaryError } from '../errors.js';
import { HttpWebhookCaller } from '../hooks/index.js';
import { canaryStore } from '../kube/canary-store.js';
import type { KubeClients } from '../kube/client.js';
import { kubeEventRecorder } from '../kube/events.js';
import { isNotFound } from '../kube/failure.js';
import { createPrometheusMetricSource } from '../metrics/prometheus/index.js';
import { createProviderMetricSource, ReaderCache } from '../metrics/providers/source.js';
import { createNotifier, type ResolvedAlertProvider } from '../notify/index.js';
import { reconcileServices } from '../routers/kubernetes/index.js';
import { controllerRouter } from '../routers/for-controller.js';
import type { RouterSettings } from '../routers/entry.js';
import { kubernetesWorkloadTarget, type DeploymentTargetOptions } from '../targets/kubernetes/index.js';
import type { ControllerLookups, Logger } from './controller.js';

export interface KubePortsOptions {
  clients: KubeClients;
  /** Prometheus address for builtin metrics (`--metrics-server`); a Canary's spec.metricsServer wins. */
  metricsServer: string;
  /** Provider for Canaries without spec.provider (`--mesh-provider`). */
  meshProvider: Provider;
  /** Alert provider used for canaries without alert entries (Flagger's global -slack-url). */
  fallbackAlerts?: ResolvedAlertProvider;
  /** Flagger's router flags (-ingress-annotations-prefix, -ingress-class). */
  routerSettings?: RouterSettings;
  /** -cluster-name: shown in every alert. */
  clusterName?: string;
  /** -no-cross-namespace-refs: MetricTemplates and AlertProviders only from the Canary's own namespace. */
  noCrossNamespaceRefs?: boolean;
  /** -selector-labels, -enable-config-tracking, -include-label-prefix. */
  target?: Pick<DeploymentTargetOptions, 'selectorLabels' | 'configTracking' | 'includeLabelPrefixes'>;
  log: Logger;
  /** Where undelivered alerts are logged (the controller's pino logger; default: the notifier's own). */
  alertLog?: PinoLogger;
  now?: () => number;
}

/** -no-cross-namespace-refs: a reference to another namespace is refused, naming it and the fix (Flagger). */
export function refuseCrossNamespace(kind: string, canaryNamespace: string, namespace: string, name: string) {
  return new AviaryError(
    'INVALID_SPEC',
    `${kind} ${namespace}/${name}: cross-namespace references are not allowed (--no-cross-namespace-refs) — put the ${kind} in ${canaryNamespace}, or reference one there`,
  );
}

export function kubePortsFactory(options: KubePortsOptions) {
  const { clients } = options;
  const store = canaryStore(clients);
  const events = kubeEventRecorder({ clients, log: (m) => options.log.warn(m) });
  const webhooks = new HttpWebhookCaller();
  // The apex Service must point at the primary before the target's pods go away.
  const target = kubernetesWorkloadTarget(clients, {
    ...options.target,
    beforeScaleToZero: (canary, selector) => reconcileServices(clients, canary, selector),
  });
  const routers = new Map<Provider, TrafficRouter>();
  const metricReaders = new ReaderCache();

  async function secretData(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    try {
      const secret = await clients.core.readNamespacedSecret({ name, namespace });
      return Object.fromEntries(
        Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
      );
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  function routerFor(provider: Provider): TrafficRouter {
    let router = routers.get(provider);
    if (!router) {
      router = controllerRouter(provider, clients, options.routerSettings);
      routers.set(provider, router);
    }
    return router;
  }

  return (canary: Canary, lookups: ControllerLookups): EnginePorts => {
    const provider = providerOf(canary.spec, options.meshProvider);
    const namespace = namespaceOf(canary);
    const metricTemplate = (ns: string, name: string) => {
      if (options.noCrossNamespaceRefs && ns !== namespace)
        return Promise.reject(refuseCrossNamespace('MetricTemplate', namespace, ns, name));
      return Promise.resolve(lookups.metricTemplate(ns, name));
    };
    return {
      target,
      router: routerFor(provider),
      metrics: createProviderMetricSource({
        // MetricTemplates of a registered provider type go to its reader; the rest to Prometheus.
        credentials: (t) =>
          secretData(t.metadata.namespace ?? namespace, t.spec.provider.secretRef?.name ?? ''),
        templates: { template: metricTemplate },
        kubeConfig: clients.config,
        readers: metricReaders,
        fallback: createPrometheusMetricSource({
          address: canary.spec.metricsServer ?? options.metricsServer,
          provider,
          templateAuth: async (template: MetricTemplate) => {
            const ref = template.spec.provider.secretRef;
            if (!ref) return undefined;
            const data = await secretData(template.metadata.namespace ?? namespace, ref.name);
            if (!data)
              throw new AviaryError(
                'NOT_FOUND',
                `secret ${ref.name} named by MetricTemplate ${template.metadata.name} not found`,
              );
            return {
              ...(data.token ? { token: data.token } : {}),
              ...(data.username ? { username: data.username } : {}),
              ...(data.password ? { password: data.password } : {}),
            };
          },
        }),
      }),
      templates: { template: metricTemplate },
      webhooks,
      notifier: createNotifier({
        resolveProvider: async (ref) => {
          if (options.noCrossNamespaceRefs && ref.namespace !== namespace)
            throw refuseCrossNamespace('AlertProvider', namespace, ref.namespace, ref.name);
          const provider = lookups.alertProvider(ref.namespace, ref.name);
          if (!provider) return undefined;
          const secretRef = provider.spec.secretRef;
          const secret = secretRef ? await secretData(ref.namespace, secretRef.name) : undefined;
          return { spec: provider.spec, ...(secret ? { secret } : {}) };
        },
        ...(options.fallbackAlerts ? { fallback: options.fallbackAlerts } : {}),
        ...(options.clusterName ? { clusterName: options.clusterName } : {}),
        ...(options.alertLog ? { logger: options.alertLog } : {}),
      }),
      events,
      status: store.status,
      clock: { now: options.now ?? Date.now },
    };
  };
}
