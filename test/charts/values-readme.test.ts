/**
 * Each chart's README values table against its values.yaml: every leaf value is documented, every
 * documented key exists, and a default written in the table is the default in values.yaml.
 *
 * A row may document a whole map (`resources`, `affinity`, `podAnnotations`, ...): it then covers the
 * keys under it. Its Default cell is the value in YAML flow style, or "see values.yaml".
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readText, readYaml } from './helm.js';

interface Row {
  key: string;
  defaultCell: string;
}

/** The rows of the table whose header is `| Key | Default | Description |`. */
function valuesTable(markdown: string): Row[] {
  const lines = markdown.split('\n');
  const header = lines.findIndex((l) => /^\|\s*Key\s*\|\s*Default\s*\|\s*Description\s*\|/.test(l));
  if (header < 0) throw new Error('no "| Key | Default | Description |" table');
  const rows: Row[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .slice(1, line.endsWith('|') ? -1 : undefined)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
    const key = /^`([^`]+)`$/.exec(cells[0] ?? '')?.[1];
    if (!key) throw new Error(`a row without a \`key\`: ${line}`);
    rows.push({ key, defaultCell: cells[1] ?? '' });
  }
  return rows;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lookup(values: unknown, key: string): { found: boolean; value?: unknown } {
  let node: unknown = values;
  for (const part of key.split('.')) {
    if (!isMap(node) || !(part in node)) return { found: false };
    node = node[part];
  }
  return { found: true, value: node };
}

/** Leaf keys not covered by a documented key (the key itself or a documented map above it). */
function undocumented(values: Record<string, unknown>, documented: Set<string>, prefix = ''): string[] {
  const missing: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (documented.has(key)) continue;
    if (isMap(value) && Object.keys(value).length > 0) missing.push(...undocumented(value, documented, key));
    else missing.push(key);
  }
  return missing;
}

describe.each(['charts/aviary', 'charts/loadtester'])('%s/README.md values table', (chart) => {
  const values = readYaml<Record<string, unknown>>(`${chart}/values.yaml`);
  const rows = valuesTable(readText(`${chart}/README.md`));
  const documented = new Set(rows.map((r) => r.key));

  it('documents every value of values.yaml', () => {
    expect(undocumented(values, documented)).toEqual([]);
  });

  it('documents no key that values.yaml lacks, and each key once', () => {
    expect(rows.filter((r) => !lookup(values, r.key).found).map((r) => r.key)).toEqual([]);
    expect(rows.length).toBe(documented.size);
  });

  it('gives the defaults of values.yaml', () => {
    const wrong: string[] = [];
    for (const row of rows) {
      const { value } = lookup(values, row.key);
      if (row.defaultCell === 'see values.yaml') {
        if (!isMap(value) && !Array.isArray(value)) wrong.push(`${row.key}: a scalar needs its default`);
        continue;
      }
      const code = /^`([^`]*)`$/.exec(row.defaultCell)?.[1];
      if (code === undefined) {
        wrong.push(`${row.key}: default "${row.defaultCell}" is neither \`value\` nor "see values.yaml"`);
        continue;
      }
      const written: unknown = parse(code);
      if (!deepEqual(written, value))
        wrong.push(`${row.key}: README says ${code}, values.yaml has ${JSON.stringify(value)}`);
    }
    expect(wrong).toEqual([]);
  });
});

function deepEqual(a: unknown, b: unknown): boolean {
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  return a === b;
}
