/**
 * The tables of docs/flagger-differences.md that test/flagger-corpus reads: the cells of each row under a
 * `## ` heading (header and separator rows left out; a cell written as `code` is read without the
 * backticks, and `\|` is a literal bar).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../cluster/install.js';

export const DIFFERENCES_DOC = path.join(REPO_ROOT, 'docs/flagger-differences.md');

export function tableRows(
  heading: string,
  columns: number,
  text = readFileSync(DIFFERENCES_DOC, 'utf8'),
): string[][] {
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`${DIFFERENCES_DOC}: needs a "## ${heading}" section`);
  const section = text.slice(start + heading.length + 5).split(/^## /m)[0] ?? '';
  const lines = section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2);
  return lines.map((line, i) => {
    const cells = line
      .slice(1, line.lastIndexOf('|'))
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replaceAll('\\|', '|'))
      .map((c) => /^`(.+)`$/.exec(c)?.[1] ?? c);
    if (cells.length !== columns || cells.some((c) => !c))
      throw new Error(`${DIFFERENCES_DOC}: "## ${heading}" row ${i + 1} (${line}) needs ${columns} cells`);
    return cells;
  });
}
