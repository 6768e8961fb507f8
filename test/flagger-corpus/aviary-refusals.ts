/**
 * The Flagger Canaries Aviary refuses on purpose, from the table under "## Flagger Canaries Aviary
 * refuses" in docs/flagger-differences.md: | `manifest regex` | `error regex` | why |. A refusal is
 * excused only when every error `aviary validate` prints matches a row whose manifest regex matches the
 * file name.
 */
import { tableRows } from './differences-doc.js';

export interface Refusal {
  manifest: RegExp;
  error: RegExp;
  why: string;
}

export function aviaryRefusals(text?: string): Refusal[] {
  return tableRows('Flagger Canaries Aviary refuses', 3, text).map(
    ([manifest = '', error = '', why = '']) => ({
      manifest: new RegExp(manifest),
      error: new RegExp(error),
      why,
    }),
  );
}

/** The errors no row excuses for this manifest. */
export function unexcused(
  refusals: readonly Refusal[],
  manifest: string,
  errors: readonly string[],
): string[] {
  return errors.filter((e) => !refusals.some((r) => r.manifest.test(manifest) && r.error.test(e)));
}
