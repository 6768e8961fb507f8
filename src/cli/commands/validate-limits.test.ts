/**
 * Issue 15: `aviary validate` on hostile files exits with the validation error code (1, INVALID_SPEC),
 * never 70 (INTERNAL), and every line names the file (and the document when there is one).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../errors.js';
import { runMain } from '../testing/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'validate-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

const validate = (...files: string[]) => runMain('validate', ...files.flatMap((f) => ['-f', f]));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const header = 'apiVersion: aviary.dev/v1beta1\nkind: Canary\nmetadata: {name: podinfo}\n';

function billionLaughs(): string {
  const levels = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 10; i++)
    levels.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${header}spec:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
}

const INVALID = ERROR_CODES.INVALID_SPEC.exit;

describe('aviary validate on hostile input', () => {
  it('a billion-laughs alias bomb: exit 1, file and document named', async () => {
    const bomb = file('bomb.yaml', `${header}spec: {}\n---\n${billionLaughs()}`);
    const result = await validate(bomb);
    expect(result.code).toBe(INVALID);
    expect(result.stdout).toMatch(new RegExp(`^${bomb}:doc 2 .*aliases.*expand`, 'm'));
    expect(result.stderr).toMatch(/^aviary: \d+ errors?/);
  });

  it('a 50 MB file: exit 1 before reading it, file named, other files still checked', async () => {
    const big = file('big.yaml', `${header}spec:\n  x: "${'x'.repeat(50_000_000)}"\n`);
    const small = file('small.yaml', `${header}spec: {}\n`);
    const before = process.memoryUsage().rss;
    const result = await validate(big, small);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 2 ** 20);
    expect(result.code).toBe(INVALID);
    expect(result.stdout).toContain(`${big} is 47.7 MiB, more than the 4 MiB a manifest may have`);
    expect(result.stdout).toContain(`${small}:doc 1 Canary/podinfo spec.targetRef: is required`);
  });

  it('3,000 levels of nesting: exit 1, file and document named', async () => {
    const deep = file('deep.yaml', `${header}spec: ${'['.repeat(3000)}${']'.repeat(3000)}\n`);
    const result = await validate(deep);
    expect(result.code).toBe(INVALID);
    expect(result.stdout).toBe(
      `${deep}:doc 1 ?/?: nests more than 64 levels deep (line 4, column 71) — flatten it; no Aviary field nests that deep\n`,
    );
  });

  it('interval: 9999999h: exit 1 naming the field and the maximum', async () => {
    const spec =
      '{targetRef: {kind: Deployment, name: podinfo}, service: {port: 80}, analysis: {interval: 9999999h, stepWeight: 10}}';
    const result = await validate(file('interval.yaml', `${header}spec: ${spec}\n`));
    expect(result.code).toBe(INVALID);
    expect(result.stdout).toContain(
      'spec.analysis.interval: 9999999h is longer than the 24h a duration may be — use a duration of at most 24h',
    );
  });
});
