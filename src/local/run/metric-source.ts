/**
 * Metrics for a local canary: the builtins (request-success-rate, request-duration) come straight from
 * Aviary's router with no scrape delay; MetricTemplates of type prometheus (and inline queries against
 * spec.metricsServer) go to that Prometheus, and templates of the other providers (Datadog, CloudWatch,
 * ...) to their readers with the Secrets given in the manifests, so a local run can also watch business
 * metrics.
 */
import type { MetricTemplate } from '../../api/types.js';
import type { MetricQuery, MetricReading, MetricSource, ProviderCheck } from '../../engine/ports.js';
import { createPrometheusMetricSource } from '../../metrics/prometheus/index.js';
import { createProviderMetricSource } from '../../metrics/providers/source.js';

export function localRunMetricSource(
  local: MetricSource,
  secrets: Map<string, Record<string, string>>,
  templates: readonly MetricTemplate[] = [],
): MetricSource {
  return createProviderMetricSource({
    fallback: prometheusOrLocal(local, secrets),
    credentials: (t) => Promise.resolve(secrets.get(t.spec.provider.secretRef?.name ?? '')),
    templates: { template: (_ns, name) => Promise.resolve(templates.find((t) => t.metadata.name === name)) },
  });
}

function prometheusOrLocal(local: MetricSource, secrets: Map<string, Record<string, string>>): MetricSource {
  const prometheus = (address: string) =>
    createPrometheusMetricSource({
      address,
      provider: 'istio',
      templateAuth: (template) => {
        const ref = template.spec.provider.secretRef;
        const data = ref ? secrets.get(ref.name) : undefined;
        return Promise.resolve(data ? { ...data } : undefined);
      },
    });
  /** The Prometheus a template or inline query is read from; a reason when there is none; null for the router's own. */
  const serverOf = (query: MetricQuery): MetricSource | string | null => {
    if (query.template) {
      const address = query.template.spec.provider.address ?? query.canary.spec.metricsServer;
      if (query.template.spec.provider.type !== 'prometheus' || !address)
        return `MetricTemplate ${query.template.metadata.name}: the local runtime runs templates of provider type prometheus with an address`;
      return prometheus(address);
    }
    if (query.metric.query) {
      const address = query.canary.spec.metricsServer;
      if (!address)
        return `metric ${query.metric.name}: an inline query needs spec.metricsServer (a Prometheus address)`;
      return prometheus(address);
    }
    return null;
  };
  return {
    read(query: MetricQuery): Promise<MetricReading> {
      const server = serverOf(query);
      if (typeof server === 'string') return Promise.resolve({ kind: 'error', reason: server });
      return (server ?? local).read(query);
    },
    // The router's counters live in this process: only a Prometheus behind a template or query is asked.
    online(query: MetricQuery): Promise<ProviderCheck | undefined> {
      const server = serverOf(query);
      if (typeof server === 'string')
        return Promise.resolve({ server: 'metrics server', online: false, reason: server });
      return server?.online?.(query) ?? Promise.resolve(undefined);
    },
    ...(local.outcomes ? { outcomes: local.outcomes.bind(local) } : {}),
  };
}
