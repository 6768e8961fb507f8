/**
 * The Flagger Canaries Aviary refuses on purpose, read from the table under "## Flagger Canaries Aviary
 * refuses" in docs/flagger-differences.md: | `manifest regex` | `error regex` | why |. A refusal is
 * excused only when every error `aviary validate` prints matches a row whose manifest regex matches the
 * file name.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../cluster/install.js';

export const REFUSALS_DOC = path.join(REPO_ROOT, 'docs/flagger-differences.md');
const HEADING = '## Flagger Canaries Aviary refuses';

export interface Refusal {
  manifest: RegExp;
  error: RegExp;
  why: string;
}

export function aviaryRefusals(text = readFileSync(REFUSALS_DOC, 'utf8')): Refusal[] {
  const start = text.indexOf(`\n${HEADING}\n`);
  if (start < 0) throw new Error(`${REFUSALS_DOC}: needs a "${HEADING}" section`);
  const section = text.slice(start + HEADING.length + 2).split(/^## /m)[0] ?? '';
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2); // header and separator
  return rows.map((line, i) => {
    const cells = line
      .slice(1, line.lastIndexOf('|'))
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replaceAll('\\|', '|'));
    const [manifest, error, why] = cells.map((c) => /^`(.+)`$/.exec(c)?.[1] ?? c);
    if (!manifest || !error || !why || cells.length !== 3)
      throw new Error(
        `${REFUSALS_DOC}: "${HEADING}" row ${i + 1} (${line}) needs | \`manifest\` | \`error\` | why |`,
      );
    return { manifest: new RegExp(manifest), error: new RegExp(error), why };
  });
}

/** The errors no row excuses for this manifest. */
export function unexcused(
  refusals: readonly Refusal[],
  manifest: string,
  errors: readonly string[],
): string[] {
  return errors.filter((e) => !refusals.some((r) => r.manifest.test(manifest) && r.error.test(e)));
}
