import type { Canary, CanaryMetric, MetricTemplate } from '../../api/types.js';
import type {
  MetricQuery,
  MetricReading,
  MetricSource,
  OutcomeReading,
  ProviderCheck,
  TemplateResolver,
} from '../ports.js';
import { namespaceOf } from '../../api/defaults.js';

/** One reading, a sequence (the last one repeats), or a function of the query and the call count. */
export type MetricScript =
  MetricReading | MetricReading[] | ((query: MetricQuery, call: number) => MetricReading);

export const value = (v: number, samples?: number): MetricReading =>
  samples === undefined ? { kind: 'value', value: v } : { kind: 'value', value: v, samples };
export const noData = (reason = 'no values found'): MetricReading => ({ kind: 'no-data', reason });
export const queryError = (reason = 'connection refused'): MetricReading => ({ kind: 'error', reason });

export const HEALTHY_METRICS: Record<string, MetricScript> = {
  'request-success-rate': value(99.9, 1000),
  'request-duration': value(120, 1000),
};
export const FAILING_METRICS: Record<string, MetricScript> = {
  'request-success-rate': value(94.12, 1000),
  'request-duration': value(120, 1000),
};

/** Metric readings by metric name. A metric without a script has no data (and says so). */
export class ScriptedMetrics implements MetricSource {
  readonly queries: MetricQuery[] = [];
  private readonly scripts = new Map<string, MetricScript>();
  private readonly calls = new Map<string, number>();
  outcomesScript: ((canary: Canary, metric: CanaryMetric, sinceMs: number) => OutcomeReading) | undefined;
  /** Set: the metrics server is offline for this reason. */
  offline: string | undefined;
  /** Metric names asked about by online(), in order. */
  readonly onlineChecks: string[] = [];

  constructor(scripts: Record<string, MetricScript> = HEALTHY_METRICS) {
    for (const [name, script] of Object.entries(scripts)) this.set(name, script);
  }

  set(name: string, script: MetricScript): this {
    this.scripts.set(name, Array.isArray(script) ? [...script] : script);
    this.calls.set(name, 0);
    return this;
  }

  read(query: MetricQuery): Promise<MetricReading> {
    this.queries.push(query);
    const name = query.metric.name;
    const call = this.calls.get(name) ?? 0;
    this.calls.set(name, call + 1);
    const script = this.scripts.get(name);
    if (script === undefined) return Promise.resolve(noData(`no script for metric ${name}`));
    if (typeof script === 'function') return Promise.resolve(script(query, call));
    if (Array.isArray(script)) {
      const reading = script[Math.min(call, script.length - 1)];
      return Promise.resolve(reading ?? noData('empty script'));
    }
    return Promise.resolve(script);
  }

  online(query: MetricQuery): Promise<ProviderCheck> {
    this.onlineChecks.push(query.metric.name);
    const server = 'Prometheus at http://prometheus:9090';
    return Promise.resolve(
      this.offline === undefined ? { server, online: true } : { server, online: false, reason: this.offline },
    );
  }

  outcomes(canary: Canary, metric: CanaryMetric, sinceMs: number): Promise<OutcomeReading> {
    if (!this.outcomesScript) return Promise.resolve({ kind: 'no-data', reason: 'no outcomes scripted' });
    return Promise.resolve(this.outcomesScript(canary, metric, sinceMs));
  }
}

export class InMemoryTemplates implements TemplateResolver {
  private readonly byKey = new Map<string, MetricTemplate>();
  constructor(templates: MetricTemplate[] = []) {
    for (const t of templates) this.add(t);
  }
  add(template: MetricTemplate): this {
    this.byKey.set(`${namespaceOf(template)}/${template.metadata.name}`, template);
    return this;
  }
  template(namespace: string, name: string): Promise<MetricTemplate | undefined> {
    return Promise.resolve(this.byKey.get(`${namespace}/${name}`));
  }
}
