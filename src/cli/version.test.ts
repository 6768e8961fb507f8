/** `aviary version` as a user runs it: the real bin, in this checkout. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');
const BIN = join(REPO, 'bin', 'aviary.js');
const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };

function aviary(...args: string[]): string {
  return execFileSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8' });
}

describe('aviary version', () => {
  it('prints the package version, the git commit and the Node.js version', () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const lines = aviary('version').trimEnd().split('\n');
    expect(lines[0]).toBe(`aviary ${version}`);
    expect(lines[1]).toMatch(new RegExp(`^commit ${head}(-modified)?$`));
    expect(lines[2]).toBe(`node   ${process.version}`);
    expect(lines[3]).toMatch(/^build {2}(dist|sources)$/);
  });

  it('prints the same as one JSON object with --json, and the bare version with --version', () => {
    const info = JSON.parse(aviary('version', '--json')) as Record<string, string>;
    expect(info).toMatchObject({ version, node: process.version });
    expect(info.commit).toMatch(/^[0-9a-f]{40}(-modified)?$/);
    expect(aviary('--version').trim()).toBe(version);
  });
});
