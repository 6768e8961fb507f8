/**
 * The registry of metric providers, keyed by MetricTemplate `spec.provider.type`. Adding a provider is a
 * file exporting a MetricProvider and one line here. Readers load on first use, so the controller and the
 * CLI do not pay for the AWS and Google clients unless a template names them.
 *
 * `prometheus` is read by ../prometheus (it also runs the builtin metrics and diagnoses missing series);
 * `local` by the local runtime's router (`aviary run`).
 */
import type { MetricProvider } from './types.js';

export const METRIC_PROVIDERS: Readonly<Record<string, () => Promise<MetricProvider>>> = {
  datadog: () => import('./datadog.js').then((m) => m.datadog),
  cloudwatch: () => import('./cloudwatch.js').then((m) => m.cloudwatch),
  newrelic: () => import('./newrelic.js').then((m) => m.newrelic),
  graphite: () => import('./graphite.js').then((m) => m.graphite),
  stackdriver: () => import('./stackdriver.js').then((m) => m.stackdriver),
  influxdb: () => import('./influxdb.js').then((m) => m.influxdb),
  dynatrace: () => import('./dynatrace.js').then((m) => m.dynatrace),
  keptn: () => import('./keptn.js').then((m) => m.keptn),
  splunk: () => import('./splunk.js').then((m) => m.splunk),
  externalmetrics: () => import('./externalmetrics.js').then((m) => m.externalmetrics),
};

/** Types read elsewhere: prometheus by ../prometheus, local by the local runtime. */
export const OTHER_READERS = ['prometheus', 'local'] as const;

/** Whether some reader runs MetricTemplates of this provider type (what `aviary validate` checks). */
export function hasMetricReader(type: string): boolean {
  return type in METRIC_PROVIDERS || (OTHER_READERS as readonly string[]).includes(type);
}

export type { MetricProvider, MetricReader, ReaderContext } from './types.js';
