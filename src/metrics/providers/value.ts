/**
 * The last step every reader shares: one number or a reason why there is none. NaN, ±Inf and null are
 * never a value (Flagger parsed NaN as 0 before fluxcd/flagger#1095 and let broken canaries through).
 */
import type { MetricReading } from '../../engine/ports.js';

export function noData(reason: string): MetricReading {
  return { kind: 'no-data', reason };
}

export function readingOf(raw: unknown, what: string): MetricReading {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (value === null || value === undefined) return noData(`${what} has no value (null)`);
  if (typeof value !== 'number')
    return { kind: 'error', reason: `${what} is ${JSON.stringify(value)}, not a number` };
  if (Number.isNaN(value)) return noData(`${what} is NaN (nothing was counted in the window)`);
  if (!Number.isFinite(value)) return noData(`${what} is ${value > 0 ? '+Inf' : '-Inf'}`);
  return { kind: 'value', value };
}

/** The sum of a series' points (count mode); no points at all is no data. */
export function sumOf(values: readonly (number | null | undefined)[], what: string): MetricReading {
  const present = values.filter((v): v is number => typeof v === 'number');
  if (present.length === 0) return noData(`${what} has no points in the window`);
  return readingOf(
    present.reduce((a, b) => a + b, 0),
    `sum of ${what}`,
  );
}

/** One number per query: several series is an error that says how to make it one. */
export function tooMany(count: number, what: string, fix: string): MetricReading {
  return { kind: 'error', reason: `query returned ${count} ${what}; ${fix} so that it returns one value` };
}
