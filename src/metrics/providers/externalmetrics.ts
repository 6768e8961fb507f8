/**
 * Kubernetes External Metrics API (external.metrics.k8s.io/v1beta1, served by KEDA, Datadog's cluster
 * agent, the Prometheus adapter...). The query is `<namespace>/<metric>?labelSelector=<selector>` as in
 * Flagger (namespace defaults to `default`). The controller's own cluster credentials are used unless the
 * template gives an address (and a `token` in its secret).
 */
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { AviaryError } from '../../errors.js';
import { kubeCall } from './kube-call.js';
import type { MetricProvider, ReaderContext } from './types.js';
import { noData, readingOf, tooMany } from './value.js';

export function parseExternalQuery(query: string): {
  namespace: string;
  metric: string;
  labelSelector?: string;
} {
  const url = new URL(`x:///${query.trim()}`);
  const parts = url.pathname.replace(/^\/+/, '').split('/');
  if (parts.length > 2 || !parts[parts.length - 1]) {
    throw new AviaryError(
      'INVALID_SPEC',
      `externalmetrics query "${query}" is not <namespace>/<metric>?labelSelector=<selector>`,
    );
  }
  const metric = decodeURIComponent(parts[parts.length - 1] ?? '');
  const namespace = parts.length === 2 && parts[0] ? parts[0] : 'default';
  const labelSelector = url.searchParams.get('labelSelector') ?? undefined;
  return { namespace, metric, ...(labelSelector ? { labelSelector } : {}) };
}

/** A Kubernetes quantity ("250m", "1.5k", "2Ki", "1e3") as a number. */
export function parseQuantity(text: string): number {
  const match = /^([+-]?[0-9.]+(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(text.trim());
  if (!match) return NaN;
  const factors: Record<string, number> = {
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
  };
  return Number(match[1]) * (match[2] ? (factors[match[2]] ?? NaN) : 1);
}

function configFor(context: ReaderContext): KubeConfig {
  const { address, insecureSkipVerify } = context.provider;
  const token = context.credentials['token'];
  if (!address) {
    if (!context.kubeConfig)
      throw new AviaryError(
        'INVALID_SPEC',
        'externalmetrics: no Kubernetes cluster is configured here; set spec.provider.address',
      );
    return context.kubeConfig;
  }
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'metrics', server: address, skipTLSVerify: insecureSkipVerify ?? false }],
    users: [{ name: 'metrics', ...(token ? { token } : {}) }],
    contexts: [{ name: 'metrics', cluster: 'metrics', user: 'metrics' }],
    currentContext: 'metrics',
  });
  return config;
}

interface ValueList {
  items?: { metricName?: string; metricLabels?: Record<string, string>; value?: string }[];
}

export const externalmetrics: MetricProvider = {
  create(context) {
    const custom = configFor(context).makeApiClient(CustomObjectsApi);
    return Promise.resolve({
      // The External Metrics API must be served (an adapter registered); Flagger lists a dummy metric instead.
      async online() {
        await kubeCall(
          `the External Metrics API (external.metrics.k8s.io/v1beta1; is an adapter registered? kubectl get apiservice v1beta1.external.metrics.k8s.io)`,
          () => custom.getAPIResources({ group: 'external.metrics.k8s.io', version: 'v1beta1' }),
          context.timeoutMs,
          context.retries,
        );
      },
      async read(query) {
        const q = parseExternalQuery(query);
        const what = `external metric ${q.namespace}/${q.metric}`;
        let list: ValueList;
        try {
          list = (await kubeCall(
            what,
            () =>
              custom.listNamespacedCustomObject({
                group: 'external.metrics.k8s.io',
                version: 'v1beta1',
                namespace: q.namespace,
                plural: q.metric,
                ...(q.labelSelector ? { labelSelector: q.labelSelector } : {}),
              }),
            context.timeoutMs,
            context.retries,
          )) as ValueList;
        } catch (err) {
          if (err instanceof AviaryError && err.code === 'NOT_FOUND') {
            throw new AviaryError(
              'NOT_FOUND',
              `${err.message} (is an external metrics adapter registered? kubectl get apiservice v1beta1.external.metrics.k8s.io)`,
            );
          }
          throw err;
        }
        const items = list.items ?? [];
        if (items.length === 0)
          return noData(
            `${what} returned no values${q.labelSelector ? ` for labelSelector ${q.labelSelector}` : ''}`,
          );
        if (items.length > 1) return tooMany(items.length, 'values', 'narrow labelSelector');
        return readingOf(parseQuantity(items[0]?.value ?? ''), `${what} value "${items[0]?.value ?? ''}"`);
      },
    });
  },
};
