/** A Canary, MetricTemplates and the provider source wired the way the controller wires them. */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Canary, CanaryMetric, MetricTemplate } from '../../src/api/types.js';
import type { MetricReading, MetricSource, ProviderCheck } from '../../src/engine/ports.js';
import { createProviderMetricSource } from '../../src/metrics/providers/source.js';

export const NOW = Date.parse('2026-12-01T12:00:00Z');

export const canary: Canary = {
  apiVersion: 'aviary.dev/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'test' },
  spec: { targetRef: { kind: 'Deployment', name: 'podinfo' }, service: { port: 9898 }, analysis: {} },
};

export function template(provider: MetricTemplate['spec']['provider'], query: string): MetricTemplate {
  return {
    apiVersion: 'aviary.dev/v1beta1',
    kind: 'MetricTemplate',
    metadata: { name: `${provider.type}-t`, namespace: 'test' },
    spec: { provider, query },
  };
}

/** The fallback that must not be reached when a registered provider's template is read. */
const unreachable: MetricSource = {
  read: () => Promise.resolve({ kind: 'error', reason: 'fallback reached' }),
};

export function source(
  options: {
    secrets?: Record<string, Record<string, string>>;
    templates?: MetricTemplate[];
    kubeConfig?: KubeConfig;
    now?: () => number;
    timeoutMs?: number;
  } = {},
): MetricSource {
  return createProviderMetricSource({
    fallback: unreachable,
    credentials: (t) => Promise.resolve(options.secrets?.[t.spec.provider.secretRef?.name ?? '']),
    templates: {
      template: (_ns, name) => Promise.resolve(options.templates?.find((t) => t.metadata.name === name)),
    },
    ...(options.kubeConfig ? { kubeConfig: options.kubeConfig } : {}),
    now: options.now ?? (() => NOW),
    timeoutMs: options.timeoutMs ?? 2000,
    retries: 1,
  });
}

export function read(
  src: MetricSource,
  t: MetricTemplate,
  metric: Partial<CanaryMetric> = {},
): Promise<MetricReading> {
  return src.read({
    canary,
    metric: { name: 'custom', interval: '1m', templateRef: { name: t.metadata.name }, ...metric },
    template: t,
    intervalMs: 60_000,
  });
}

/** The source's online check for a metric reading `t` (what the engine asks at initialization). */
export async function online(src: MetricSource, t: MetricTemplate): Promise<ProviderCheck | undefined> {
  if (!src.online) throw new Error('this source has no online check');
  return src.online({
    canary,
    metric: { name: 'custom', templateRef: { name: t.metadata.name } },
    template: t,
    intervalMs: 0,
  });
}
