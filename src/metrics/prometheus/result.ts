/**
 * Turns an instant-query answer into one value, or says why it is not one. "No data" (empty, NaN, ±Inf) is
 * never a number: Flagger parsed NaN as 0 before fluxcd/flagger#1095 and let broken canaries through.
 */
import type { QueryData } from './client.js';

export type QueryOutcome =
  { kind: 'value'; value: number } | { kind: 'no-data'; reason: string } | { kind: 'error'; reason: string };

function labelsOf(metric: Record<string, string>): string {
  const { __name__: name = '', ...labels } = metric;
  return `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}

/** Prometheus writes floats as Go does: `+Inf`, `-Inf` and `NaN` besides ordinary numbers. */
export function parsePromFloat(raw: string | undefined): number {
  if (raw === '+Inf' || raw === 'Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  return raw === undefined || raw.trim() === '' ? NaN : Number(raw);
}

function single(raw: string | undefined): QueryOutcome {
  const value = parsePromFloat(raw);
  if (raw === undefined || Number.isNaN(value)) {
    return { kind: 'no-data', reason: 'query returned NaN (0/0: nothing was counted in the window)' };
  }
  if (!Number.isFinite(value))
    return { kind: 'no-data', reason: `query returned ${value > 0 ? '+Inf' : '-Inf'}` };
  return { kind: 'value', value };
}

export function interpretQueryData(data: QueryData): QueryOutcome {
  switch (data.resultType) {
    case 'scalar':
      return single(data.result[1]);
    case 'vector': {
      if (data.result.length === 0) return { kind: 'no-data', reason: 'query returned no data' };
      if (data.result.length > 1) {
        const shown = data.result.slice(0, 3).map((s) => labelsOf(s.metric));
        return {
          kind: 'error',
          reason:
            `query returned ${data.result.length} series; aggregate with sum() (or another aggregation) so that it ` +
            `returns one value (series: ${shown.join(', ')}${data.result.length > 3 ? ', ...' : ''})`,
        };
      }
      return single(data.result[0]?.value[1]);
    }
    case 'matrix':
      return {
        kind: 'error',
        reason:
          'query returned a range vector (matrix); wrap the range selector in a function such as rate() or ' +
          'sum_over_time() so that it returns one instant value',
      };
    default:
      return { kind: 'error', reason: `query returned a ${data.resultType}, not a number` };
  }
}

/** Number of a one-sample vector (or scalar); undefined for empty, NaN or anything else. */
export function numberOf(data: QueryData): number | undefined {
  const outcome = interpretQueryData(data);
  return outcome.kind === 'value' ? outcome.value : undefined;
}
