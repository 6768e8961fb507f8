/**
 * Renders metric queries written in Flagger's template syntax: `{{ name }}`, `{{ namespace }}`, `{{ target }}`,
 * `{{ service }}`, `{{ ingress }}`, `{{ route }}`, `{{ interval }}` and `{{ variables.<key> }}`.
 *
 * Flagger renders with Go's text/template and `missingkey=error`, so an unknown name stops the check instead of
 * sending a query with a hole in it. We keep that: any name we do not know is an error naming it and the known
 * ones. Go's trim markers (`{{-`, `-}}`) are accepted, and the Go template functions Flagger's docs use in
 * queries (`{{ printf "%s-primary" target }}`, pipelines; see ./template-expression.ts), so that templates
 * copied from Flagger keep working.
 */
import { formatDuration } from '../api/duration.js';
import { DEFAULT_METRIC_INTERVAL, serviceNames, namespaceOf } from '../api/defaults.js';
import type { Canary, CanaryMetric } from '../api/types.js';
import { AviaryError } from '../errors.js';
import { evaluateAction, type TemplateValue } from './template-expression.js';

export interface TemplateModel {
  /** The Canary's name. */
  name: string;
  namespace: string;
  /** targetRef.name: the canary workload. */
  target: string;
  /** service.name, or the target name. */
  service: string;
  /** ingressRef.name, or the target name. */
  ingress: string;
  /** routeRef.name, or the target name. */
  route: string;
  /** The metric's window as a PromQL duration (`1m`). */
  interval: string;
  /** The metric's templateVariables. */
  variables: Record<string, string>;
  /**
   * Values only builtin queries use, written `{{ $name }}` (Flagger's skipper query assigns `$route` in the
   * template itself; we compute it in code).
   */
  locals?: Record<string, string>;
  /**
   * Aviary: `{{ outcome }}` is `requests` or `errors` when a count template is read for compareWithPrimary
   * or minSamples (see ./providers/outcomes.ts); unset otherwise.
   */
  outcome?: 'requests' | 'errors';
}

const TOP_LEVEL = ['name', 'namespace', 'target', 'service', 'ingress', 'route', 'interval'] as const;
type TopLevel = (typeof TOP_LEVEL)[number];

function refName(ref: Record<string, unknown> | undefined): string | undefined {
  const name = ref?.['name'];
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}

/**
 * The model Flagger builds for a Canary and one of its metrics. `intervalMs` overrides the metric's own
 * interval (the outcome queries of the statistical judge use the time since the step began).
 */
export function templateModel(canary: Canary, metric?: CanaryMetric, intervalMs?: number): TemplateModel {
  const spec = canary.spec;
  const target = spec.targetRef.name;
  return {
    name: canary.metadata.name,
    namespace: namespaceOf(canary),
    target,
    service: serviceNames(spec).apex,
    ingress: refName(spec.ingressRef) ?? target,
    route: refName(spec.routeRef) ?? target,
    interval:
      intervalMs !== undefined ? formatDuration(intervalMs) : (metric?.interval ?? DEFAULT_METRIC_INTERVAL),
    variables: { ...(metric?.templateVariables ?? {}) },
  };
}

const ACTION = /\{\{(-?)\s*(.*?)\s*(-?)\}\}/gs;

/** Renders `template` against `model`; throws AviaryError(INVALID_SPEC) naming any unknown variable. */
export function renderQuery(template: string, model: TemplateModel): string {
  const unclosed = template.replace(ACTION, '').indexOf('{{');
  if (unclosed >= 0) {
    throw new AviaryError(
      'INVALID_SPEC',
      `query template has an unclosed "{{" near "${excerpt(template, unclosed)}"`,
    );
  }
  let out = '';
  let last = 0;
  for (const match of template.matchAll(ACTION)) {
    const [whole, trimLeft, expression = '', trimRight] = match;
    let before = template.slice(last, match.index);
    if (trimLeft) before = before.trimEnd();
    out += before + resolve(expression, model);
    last = match.index + whole.length;
    if (trimRight) {
      const rest = template.slice(last);
      last += rest.length - rest.trimStart().length;
    }
  }
  return out + template.slice(last);
}

function resolve(expression: string, model: TemplateModel): string {
  return evaluateAction(expression, (path) => lookup(path, model));
}

function lookup(path: readonly string[], model: TemplateModel): TemplateValue {
  const [head = '', key, ...deeper] = path;
  const name = path.join('.');
  if (deeper.length === 0 && key === undefined) {
    if ((TOP_LEVEL as readonly string[]).includes(head)) return model[head as TopLevel];
    if (head === 'variables') return model.variables;
    if (head === 'outcome' && model.outcome) return model.outcome;
    const local = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(head);
    if (local && model.locals?.[local[1] ?? ''] !== undefined) return model.locals[local[1] ?? ''] ?? '';
  }
  if (head === 'variables' && key !== undefined && deeper.length === 0) {
    const value = model.variables[key];
    if (value === undefined) {
      const known = Object.keys(model.variables);
      throw new AviaryError(
        'INVALID_SPEC',
        `query template uses {{ variables.${key} }} but templateVariables has no "${key}" ` +
          `(it has: ${known.length > 0 ? known.join(', ') : 'none'}); add it to the metric's templateVariables`,
      );
    }
    return value;
  }
  if (name === 'outcome') {
    throw new AviaryError(
      'INVALID_SPEC',
      'query template uses {{ outcome }}, which is set only when Aviary reads a count template for ' +
        'compareWithPrimary or minSamples; use the template from a request-success-rate metric',
    );
  }
  const known = [...TOP_LEVEL, ...Object.keys(model.variables).map((k) => `variables.${k}`)];
  throw new AviaryError(
    'INVALID_SPEC',
    `query template uses unknown variable {{ ${name} }}; known variables: ${known.join(', ')}`,
  );
}

function excerpt(text: string, at: number): string {
  return text.slice(Math.max(0, at - 10), at + 30).replace(/\s+/g, ' ');
}

/** Flagger collapses whitespace before sending a query; so do we (it keeps URLs short and logs readable). */
export function collapseWhitespace(query: string): string {
  return query.replace(/\s+/g, ' ').trim();
}
