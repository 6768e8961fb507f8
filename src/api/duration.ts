/**
 * Durations in Go's syntax (Go's time.ParseDuration, which Flagger uses for every interval and timeout):
 * one or more decimal numbers, each with an optional fraction and a unit (`ns`, `us`/`µs`, `ms`, `s`,
 * `m`, `h`), such as `30s`, `1h30m`, `1.5s`, `500us`, `.5m`; `0` alone needs no unit. A leading `+` is
 * allowed; a negative duration is not, as nothing in Aviary can wait for one.
 */
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 MICRO SIGN
  μs: 1e-3, // U+03BC GREEK SMALL LETTER MU
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const NUMBER = '[0-9]+\\.?[0-9]*|\\.[0-9]+';
const UNIT = 'ns|us|µs|μs|ms|s|m|h';
/** The whole grammar as one regular expression (also the CRDs' OpenAPI `pattern` for duration fields). */
export const GO_DURATION_PATTERN = `^\\+?(0|((${NUMBER})(${UNIT}))+)$`;
const WHOLE = new RegExp(GO_DURATION_PATTERN);
const PART = new RegExp(`(${NUMBER})(${UNIT})`, 'g');

/** Milliseconds (fractional below a millisecond), or undefined when `text` is not a Go duration. */
export function parseDuration(text: string): number | undefined {
  if (!WHOLE.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit!]!;
  return total;
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
