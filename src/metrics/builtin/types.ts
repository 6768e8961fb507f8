/**
 * A builtin query set is data: Flagger's two PromQL queries for one mesh provider, plus the label selectors
 * behind them so that Aviary can split the same traffic into canary and primary (for the statistical judge)
 * and explain an empty result. Adding a provider is adding one file that exports one of these.
 */
import type { TemplateModel } from '../template.js';

export interface BuiltinQueries {
  /** Name shown in messages (`istio`). */
  name: string;
  /**
   * Mesh-provider strings (Canary spec.provider) served by this set; an entry ending in `*` is a prefix
   * (`gatewayapi*` covers `gatewayapi:v1` and `gatewayapi:v1beta1`), as in Flagger's observer factory.
   */
  providers: readonly string[];
  /** Flagger's request-success-rate PromQL, verbatim: percentage of non-5xx responses of the canary. */
  requestSuccessRate: string;
  /** Flagger's request-duration PromQL, verbatim (p99, or a mean for nginx and skipper). */
  requestDuration: string;
  /**
   * Factor from the request-duration result to milliseconds. 1 unless the query returns seconds and Flagger
   * converts in Go (the generic `http` set).
   */
  durationToMs: number;
  /**
   * Label matchers (templates) that select each version's traffic. `canary` is what Flagger's queries use;
   * `primary` is the same selection for the `<target>-primary` workload (or primary upstream/route).
   */
  selectors: { canary: readonly string[]; primary: readonly string[] };
  /** The request counter, with matchers every count needs (histograms counted through their `+Inf` bucket). */
  requests: { metric: string; matchers?: readonly string[] };
  /** The matcher that picks error (5xx) responses out of `requests`. */
  errorMatcher: string;
  /** A latency histogram for the statistical judge; its bucket bounds times `toMs` are milliseconds. */
  latency?: { metric: string; toMs: number; matchers?: readonly string[] };
  /** Values the queries use as `{{ $name }}`, computed from the model (skipper's route pattern). */
  locals?: (model: TemplateModel) => Record<string, string>;
  /** When a label matcher matches nothing: what that label means for this mesh and what usually goes wrong. */
  labelHints?: Record<string, string>;
  /** When a metric does not exist at all: the likely cause for this mesh. */
  metricHints?: Record<string, string>;
}

/** Joins matchers into a selector body, skipping empties (some of Flagger's queries end in a comma). */
export function selector(metric: string, matchers: readonly string[]): string {
  return `${metric}{${matchers.filter((m) => m.length > 0).join(',')}}`;
}
