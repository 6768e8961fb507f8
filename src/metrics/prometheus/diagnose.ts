/**
 * "Query returned no data" is the most re-filed Flagger problem (fluxcd/flagger#191, #1035, #1365, ...), with
 * causes as different as a metric that is not scraped, a label renamed or dropped by relabeling, the primary
 * getting all the traffic, or no traffic at all. This module asks Prometheus which one it is:
 *
 * 1. Does every metric in the query exist (any series in the lookback)?        -> "metric X does not exist"
 * 2. For each selector, adding one matcher at a time, does any series still match? -> "no series of X has L=~V
 *    (values seen: ...)"
 * 3. Do the matching series have samples in the query's window, and did counters move? -> "no samples in the
 *    last 1m" / "did not increase in the last 1m"
 * 4. Otherwise the expression itself produced nothing (0/0, a filter, mismatched labels).
 *
 * It is bounded: at most `maxCalls` extra requests, each with the client's timeout.
 */
import { formatDuration, parseDuration } from '../../api/duration.js';
import type { PrometheusClient } from './client.js';
import { numberOf } from './result.js';
import {
  extractSelectors,
  formatMatcher,
  formatSelector,
  matcherAccepts,
  type LabelMatcher,
  type VectorSelector,
} from './selectors.js';

export interface DiagnosisHints {
  /** What a label means for this mesh and what usually goes wrong with it. */
  labels?: Record<string, string>;
  /** Why a metric may be missing for this mesh. */
  metrics?: Record<string, string>;
}

export interface DiagnoseOptions {
  hints?: DiagnosisHints;
  /** How far back to look for series (at least ten windows). Default 1h. */
  lookbackMs?: number;
  /** Most extra requests to Prometheus. Default 10. */
  maxCalls?: number;
  now?: () => number;
}

const LOAD_TEST_ADVICE =
  'is traffic reaching the canary? add a load-test webhook (type rollout) so that every interval has requests';
const RESPONSE_CODE_LABELS = new Set([
  'response_code',
  'code',
  'status',
  'envoy_response_code',
  'classification',
]);
const VALUES_SHOWN = 8;

class Budget {
  used = 0;
  constructor(readonly max: number) {}
  take(): boolean {
    if (this.used >= this.max) return false;
    this.used++;
    return true;
  }
}

function valuesSeen(values: string[]): string {
  if (values.length === 0) return 'none';
  const sorted = [...values].sort();
  const shown = sorted.slice(0, VALUES_SHOWN).join(', ');
  return sorted.length > VALUES_SHOWN ? `${shown} and ${sorted.length - VALUES_SHOWN} more` : shown;
}

function sharedPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}

function isCounterLike(metric: string): boolean {
  return /(_total|_count|_bucket|_sum|_rq|_requests|_status)$/.test(metric);
}

function distinct(selectors: VectorSelector[]): VectorSelector[] {
  const seen = new Set<string>();
  return selectors.filter((s) => {
    const key = formatSelector(s.metric, s.matchers) + (s.range ?? '');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Explains why `query` returned no data. Never throws: a failed diagnosis says so. */
export async function diagnoseNoData(
  client: PrometheusClient,
  query: string,
  options: DiagnoseOptions = {},
  headline = 'query returned no data',
): Promise<string> {
  try {
    return `${headline}: ${await diagnose(client, query, options)}`;
  } catch (err) {
    return `${headline} (could not find out why: ${err instanceof Error ? err.message : String(err)})`;
  }
}

async function diagnose(client: PrometheusClient, query: string, options: DiagnoseOptions): Promise<string> {
  const selectors = distinct(extractSelectors(query));
  if (selectors.length === 0) return 'the query selects no metric, so there is nothing to look for';
  const budget = new Budget(options.maxCalls ?? 10);
  const now = new Date((options.now ?? Date.now)());
  const longestWindow = Math.max(0, ...selectors.map((s) => (s.range ? (parseDuration(s.range) ?? 0) : 0)));
  const lookbackMs = Math.max(options.lookbackMs ?? 3_600_000, longestWindow * 10);
  const start = new Date(now.getTime() - lookbackMs);
  const lookback = formatDuration(lookbackMs);
  const hints = options.hints ?? {};

  // 1. Metrics that do not exist at all.
  const names = [...new Set(selectors.map((s) => s.metric))];
  budget.take();
  const existing = new Set(
    await client.labelValues('__name__', [`{__name__=~"${names.join('|')}"}`], start, now),
  );
  const missing = names.find((n) => !existing.has(n));
  if (missing) {
    let similar: string[] = [];
    const family = /^[A-Za-z0-9]+_/.exec(missing)?.[0];
    if (family && budget.take()) {
      const candidates = await client.labelValues('__name__', [`{__name__=~"${family}.+"}`], start, now);
      similar = candidates
        .filter((c) => c !== missing)
        .sort((a, b) => sharedPrefix(b, missing) - sharedPrefix(a, missing) || a.localeCompare(b))
        .slice(0, 3);
    }
    const hint = hints.metrics?.[missing] ?? "is the mesh's telemetry scraped by this Prometheus?";
    return (
      `metric ${missing} does not exist in Prometheus (no series in the last ${lookback}) — ${hint}` +
      (similar.length > 0 ? ` (similar metrics that do exist: ${similar.join(', ')})` : '')
    );
  }

  // 2. The first matcher that matches nothing, given the ones before it. Selectors of one query usually share
  // their leading matchers (numerator and denominator), so label values are asked once per scope.
  const seen = new Map<string, string[]>();
  let exhausted = false;
  for (const s of selectors) {
    const accepted: LabelMatcher[] = [];
    for (const m of s.matchers) {
      const scope = formatSelector(s.metric, accepted);
      let values = seen.get(`${scope}\n${m.label}`);
      if (!values) {
        if (!budget.take()) {
          exhausted = true;
          break;
        }
        values = await client.labelValues(m.label, [scope], start, now);
        seen.set(`${scope}\n${m.label}`, values);
      }
      const verdicts = values.map((v) => matcherAccepts(m, v));
      const acceptsAbsent = matcherAccepts(m, '') !== false;
      if (!verdicts.some((v) => v !== false) && !acceptsAbsent) {
        return noSeriesMessage(s.metric, accepted, m, values, lookback, hints);
      }
      accepted.push(m);
    }
  }

  // 3. Series exist; do they have samples in the window, and did the counters move?
  for (const s of selectors) {
    const window = s.range ?? '5m';
    const sel = formatSelector(s.metric, s.matchers);
    if (!budget.take()) {
      exhausted = true;
      break;
    }
    const samples = numberOf(await client.query(`sum(count_over_time(${sel}[${window}]))`, now));
    if (samples === undefined) {
      return `series of ${sel} exist (in the last ${lookback}) but none has samples in the last ${window} — ${LOAD_TEST_ADVICE}`;
    }
    if (s.range && isCounterLike(s.metric) && budget.take()) {
      const increase = numberOf(await client.query(`sum(increase(${sel}[${window}]))`, now));
      if (increase === 0) {
        return `${sel} did not increase in the last ${window}: no requests were counted, so a ratio is 0/0 — ${LOAD_TEST_ADVICE}`;
      }
    }
  }

  if (exhausted) {
    return `the series the query selects exist, and the first ${budget.used} checks found nothing wrong; run the query's parts in the Prometheus UI`;
  }
  return (
    'every selector matches series with samples in its window, so the expression itself produced nothing ' +
    '(for example 0/0, a comparison that filtered every series, or a binary operation whose sides carry different ' +
    'labels; try `on()`/`ignoring()` or aggregate both sides with sum())'
  );
}

function noSeriesMessage(
  metric: string,
  accepted: LabelMatcher[],
  m: LabelMatcher,
  values: string[],
  lookback: string,
  hints: DiagnosisHints,
): string {
  const scope = formatSelector(metric, accepted);
  const advice: string[] = [];
  if (values.length === 0) {
    advice.push(`no series of ${scope} has a ${m.label} label at all — is a relabel rule dropping it?`);
  } else {
    advice.push(
      `no series of ${scope} has ${formatMatcher(m)} (values seen in the last ${lookback}: ${valuesSeen(values)})`,
    );
    const primary = values.find((v) => v === `${m.value}-primary`);
    if (primary && (m.op === '=' || m.op === '=~') && !values.some((v) => matcherAccepts(m, v))) {
      advice.push(`only the primary (${primary}) received traffic — ${LOAD_TEST_ADVICE}`);
    }
  }
  if (RESPONSE_CODE_LABELS.has(m.label) && (m.op === '=' || m.op === '=~')) {
    advice.push(
      'there were no such responses: a query that counts only errors returns no data when there are none; ' +
        'append `or vector(0)` to count them as zero',
    );
  }
  const hint = hints.labels?.[m.label];
  advice.push(hint ? `check the label: ${hint}` : 'check the label name and value in the query');
  return advice.join(' — ');
}
