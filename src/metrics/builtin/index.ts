/**
 * The builtin query library: one file per mesh provider, listed here. `builtinQueriesFor` picks the set the
 * way Flagger's observer factory does (exact name, or prefix for versioned providers).
 */
import { AviaryError } from '../../errors.js';
import { renderQuery, type TemplateModel } from '../template.js';
import { apisix } from './apisix.js';
import { appmesh } from './appmesh.js';
import { contour } from './contour.js';
import { gloo } from './gloo.js';
import { http } from './http.js';
import { istio } from './istio.js';
import { knative } from './knative.js';
import { kuma } from './kuma.js';
import { linkerd } from './linkerd.js';
import { nginx } from './nginx.js';
import { osm } from './osm.js';
import { skipper } from './skipper.js';
import { traefik } from './traefik.js';
import type { BuiltinMetricName } from '../../api/builtin-metrics.js';
import { selector, type BuiltinQueries } from './types.js';

export { BUILTIN_METRICS, isBuiltinMetric } from '../../api/builtin-metrics.js';
export { selector } from './types.js';
export type { BuiltinMetricName } from '../../api/builtin-metrics.js';
export type { BuiltinQueries } from './types.js';

export const BUILTIN_QUERY_SETS: readonly BuiltinQueries[] = [
  istio,
  linkerd,
  nginx,
  contour,
  gloo,
  appmesh,
  kuma,
  osm,
  traefik,
  skipper,
  apisix,
  knative,
  http,
];

function serves(set: BuiltinQueries, provider: string): boolean {
  return set.providers.some((p) => (p.endsWith('*') ? provider.startsWith(p.slice(0, -1)) : p === provider));
}

/** The query set for a mesh provider; undefined for providers with no Prometheus builtins (`local`). */
export function builtinQueriesFor(provider: string): BuiltinQueries | undefined {
  return BUILTIN_QUERY_SETS.find((set) => serves(set, provider));
}

/** Adds the set's computed `$locals` (skipper's route pattern) to a model. */
export function withLocals(set: BuiltinQueries, model: TemplateModel): TemplateModel {
  return set.locals ? { ...model, locals: { ...model.locals, ...set.locals(model) } } : model;
}

/** Renders Flagger's query for a builtin metric. */
export function renderBuiltin(set: BuiltinQueries, metric: BuiltinMetricName, model: TemplateModel): string {
  const template = metric === 'request-success-rate' ? set.requestSuccessRate : set.requestDuration;
  return renderQuery(template, withLocals(set, model));
}

export type Version = 'canary' | 'primary';

/**
 * The queries the statistical judge runs for one version over `{{ interval }}` (the window since the step
 * began), each returning counts rather than rates:
 * - `requests`: `sum(increase(<requests>{<version selector>}[w]))`, the number of requests;
 * - `errors`: the same with the error matcher added (an empty result means zero errors);
 * - `latencyBuckets` (when the mesh has a histogram): `sum by (le) (increase(<bucket>{<selector>}[w]))`, the
 *   cumulative count per bucket bound, which the source turns into a bounded latency sample.
 * Canary and primary queries differ only in the selector, so the two versions are measured the same way.
 */
export interface OutcomeQueries {
  requests: string;
  errors: string;
  latencyBuckets?: string;
  /** Multiply a bucket bound by this to get milliseconds. */
  latencyToMs: number;
}

export function outcomeQueries(set: BuiltinQueries, version: Version, model: TemplateModel): OutcomeQueries {
  const matchers = set.selectors[version];
  if (matchers.length === 0) {
    throw new AviaryError(
      'INVALID_SPEC',
      `the ${set.name} builtin queries cannot select the ${version} on its own, so compareWithPrimary is not available; use thresholdRange`,
    );
  }
  const m = withLocals(set, model);
  const counted = [...matchers, ...(set.requests.matchers ?? [])];
  const requests = selector(set.requests.metric, counted);
  const errors = selector(set.requests.metric, [...counted, set.errorMatcher]);
  const render = (q: string) => renderQuery(q, m);
  return {
    requests: render(`sum(increase(${requests}[{{ interval }}]))`),
    errors: render(`sum(increase(${errors}[{{ interval }}]))`),
    ...(set.latency
      ? {
          latencyBuckets: render(
            `sum by (le) (increase(${selector(set.latency.metric, [...matchers, ...(set.latency.matchers ?? [])])}[{{ interval }}]))`,
          ),
        }
      : {}),
    latencyToMs: set.latency?.toMs ?? 1,
  };
}
