/**
 * The differences from Flagger that Aviary keeps on purpose, read from the table in
 * docs/flagger-differences.md (the one list, for readers and for test/flagger alike).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../cluster/install.js';
import type { Difference } from './compare.js';

export const DIFFERENCES_DOC = path.join(REPO_ROOT, 'docs/flagger-differences.md');

export interface KnownDifference {
  area: string;
  /** Scenario names, or `*` for all. */
  scenarios: string[];
  path: RegExp;
  why: string;
}

/**
 * Rows of the tables under `## Known differences` (on purpose) and `## Open differences` (reported, fix
 * pending): | area | scenarios | `path regex` | why |.
 */
export function knownDifferences(text = readFileSync(DIFFERENCES_DOC, 'utf8')): KnownDifference[] {
  const sections = text.split(/^## /m).filter((s) => /^(Known|Open) differences/.test(s));
  if (sections.length !== 2)
    throw new Error(
      `${DIFFERENCES_DOC}: needs a "## Known differences" and an "## Open differences" section`,
    );
  const rows = sections.flatMap(
    (section) =>
      section
        .split('\n')
        .filter((line) => line.startsWith('|'))
        .slice(2), // header and separator
  );
  return rows.map((line, i) => {
    const cells = line
      .slice(1, line.lastIndexOf('|'))
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replaceAll('\\|', '|'));
    const [area, scenarios, pattern, why] = cells;
    const regex = /^`(.+)`$/.exec(pattern ?? '')?.[1];
    if (!area || !scenarios || !regex || !why)
      throw new Error(
        `${DIFFERENCES_DOC}: table row ${i + 1} (${line}) needs | area | scenarios | \`path regex\` | why |`,
      );
    return {
      area,
      scenarios: scenarios.split(',').map((s) => s.trim()),
      path: new RegExp(regex),
      why,
    };
  });
}

export function isKnown(known: readonly KnownDifference[], scenario: string, d: Difference): boolean {
  return known.some(
    (k) =>
      k.area === d.area &&
      (k.scenarios.includes('*') || k.scenarios.includes(scenario)) &&
      k.path.test(d.path),
  );
}
