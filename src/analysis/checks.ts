/**
 * The check runner: every analysis metric yields one CheckResult per kind of check it asks for. A kind is
 * a producer of CheckResults: the threshold range (./threshold.ts) and the comparison with the primary
 * (./compare-with-primary.ts, the statistical judge, handed to the engine by each runtime through
 * EngineOptions.compareWithPrimary); adding a kind is adding a runner, the engine only sees CheckResults.
 */
import { DEFAULT_METRIC_INTERVAL, namespaceOf } from '../api/defaults.js';
import { parseDuration } from '../api/duration.js';
import type { Canary, CanaryMetric, CheckResult, MetricTemplate } from '../api/types.js';
import type { MetricSource, TemplateResolver } from './metric-source.js';
import { judgeReading } from './threshold.js';

export type MetricKind = 'threshold' | 'compare-with-primary';

export interface CheckContext {
  canary: Canary;
  metrics: MetricSource;
  templates?: TemplateResolver;
  /** Milliseconds since the epoch, from the engine's clock. */
  now: number;
  /** When the current analysis began (status.analysisStartedAt): comparisons accumulate since then. */
  analysisStartedAtMs: number;
}

export interface CheckRunner {
  run(metric: CanaryMetric, context: CheckContext): Promise<CheckResult>;
}

export type CheckRunners = Record<MetricKind, CheckRunner>;

export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** Which checks a metric asks for: compareWithPrimary replaces or adds to the threshold range. */
export function kindsOf(metric: CanaryMetric): MetricKind[] {
  if (!metric.compareWithPrimary) return ['threshold'];
  const hasRange = metric.thresholdRange !== undefined || metric.threshold !== undefined;
  return hasRange ? ['compare-with-primary', 'threshold'] : ['compare-with-primary'];
}

export function metricInterval(metric: CanaryMetric): { text: string; ms: number } {
  const text = metric.interval ?? DEFAULT_METRIC_INTERVAL;
  return { text, ms: parseDuration(text) ?? 60_000 };
}

export type Resolved = { template?: MetricTemplate } | { failure: string };

export async function resolveTemplate(
  metric: CanaryMetric,
  context: Pick<CheckContext, 'canary' | 'templates'>,
): Promise<Resolved> {
  const ref = metric.templateRef;
  if (!ref) return {};
  const namespace = ref.namespace ?? namespaceOf(context.canary);
  if (!context.templates)
    return { failure: `MetricTemplate ${namespace}/${ref.name} cannot be resolved here` };
  const template = await context.templates.template(namespace, ref.name);
  if (!template) {
    return { failure: `MetricTemplate ${namespace}/${ref.name} not found — create it or fix templateRef` };
  }
  return { template };
}

/** Reads the metric over its interval (default 1m) and judges it against thresholdRange / threshold. */
export const thresholdRunner: CheckRunner = {
  async run(metric, context) {
    const resolved = await resolveTemplate(metric, context);
    if ('failure' in resolved) return { name: metric.name, decision: 'fail', message: resolved.failure };
    const interval = metricInterval(metric);
    const reading = await context.metrics.read({
      canary: context.canary,
      metric,
      ...(resolved.template ? { template: resolved.template } : {}),
      intervalMs: interval.ms,
    });
    return judgeReading(metric, reading, interval.text);
  },
};

/**
 * For an engine given no judge (EngineOptions.compareWithPrimary unset; the controller and `aviary run`
 * always set it): a comparison that cannot run fails, it never passes.
 */
export const unwiredComparisonRunner: CheckRunner = {
  run(metric) {
    return Promise.resolve({
      name: metric.name,
      decision: 'fail',
      message: `${metric.name}: compareWithPrimary is not available in this build — remove it or use thresholdRange`,
    });
  },
};

export function defaultRunners(overrides: Partial<CheckRunners> = {}): CheckRunners {
  return { threshold: thresholdRunner, 'compare-with-primary': unwiredComparisonRunner, ...overrides };
}

/** Runs every check of every metric in order (sequentially: a reconcile's port calls stay deterministic). */
export async function runMetricChecks(
  metrics: readonly CanaryMetric[],
  context: CheckContext,
  runners: CheckRunners,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const metric of metrics) {
    for (const kind of kindsOf(metric)) results.push(await runners[kind].run(metric, context));
  }
  return results;
}

/** Any failure fails the interval; otherwise any inconclusive check holds it. */
export function verdictOf(results: readonly CheckResult[]): Verdict {
  if (results.some((r) => r.decision === 'fail')) return 'fail';
  if (results.some((r) => r.decision === 'inconclusive')) return 'inconclusive';
  return 'pass';
}
