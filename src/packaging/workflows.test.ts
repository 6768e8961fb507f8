/**
 * The GitHub Actions workflows cannot run here; actionlint (built from the version pinned in
 * scripts/components/actionlint) checks their syntax, expressions, action inputs, job and step outputs,
 * the reusable ci.yml that release.yml calls and, when shellcheck is installed, every `run:` script.
 * (This folder holds the tests of how Aviary is packaged and released; nothing in it ships.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const REPO = join(import.meta.dirname, '..', '..');
const PINNED = /github\.com\/rhysd\/actionlint (v\S+)/.exec(
  readFileSync(join(REPO, 'scripts/components/actionlint/go.mod'), 'utf8'),
)?.[1];
const BUILD_HINT =
  'build it with `AVIARY_COMPONENTS=actionlint bash scripts/build-components.sh` (about 10 s with the Go ' +
  'module proxy; the binary lands in the component cache, where this test finds it) or set AVIARY_ACTIONLINT';

/** actionlint of the pinned version: $AVIARY_ACTIONLINT, the component cache, or PATH. */
function findActionlint(): string | undefined {
  const cache = join(
    process.env.AVIARY_CACHE ?? join(homedir(), '.cache', 'aviary'),
    'components',
    'by-component',
  );
  const built = existsSync(cache)
    ? readdirSync(cache)
        .filter((d) => d.startsWith('actionlint-') && existsSync(join(cache, d, '.complete')))
        .map((d) => join(cache, d, 'bin', 'actionlint'))
    : [];
  const onPath = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'actionlint'));
  const candidates = [process.env.AVIARY_ACTIONLINT, ...built, ...onPath].filter((f): f is string => !!f);
  return candidates.find((file) => {
    if (!existsSync(file)) return false;
    const run = spawnSync(file, ['-version'], { encoding: 'utf8' });
    return run.status === 0 && run.stdout.split('\n')[0] === PINNED;
  });
}

describe('.github/workflows', () => {
  it('pins actionlint', () => {
    expect(PINNED).toMatch(/^v\d+\.\d+\.\d+$/);
  });

  it('has no actionlint findings', () => {
    let actionlint = findActionlint();
    if (!actionlint) {
      // Never skipped: a machine without it builds the pinned version (seconds) and fails if it cannot.
      const build = spawnSync('bash', ['scripts/build-components.sh'], {
        cwd: REPO,
        env: { ...process.env, AVIARY_COMPONENTS: 'actionlint' },
        encoding: 'utf8',
      });
      actionlint = findActionlint();
      if (!actionlint)
        throw new Error(
          `actionlint ${PINNED} not found and its build failed (${BUILD_HINT}):\n${build.stderr}`,
        );
    }
    const workflows = readdirSync(join(REPO, '.github/workflows')).filter((f) => /\.ya?ml$/.test(f));
    expect(workflows).toEqual(expect.arrayContaining(['ci.yml', 'release.yml']));
    const run = spawnSync(actionlint, ['-no-color', ...workflows.map((f) => join('.github/workflows', f))], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 600_000);

  it('ci.yml runs the README test command with Go 1.26 and Node 20; release.yml runs it first', () => {
    const read = (name: string) =>
      parse(readFileSync(join(REPO, '.github/workflows', name), 'utf8')) as {
        on: Record<string, unknown>;
        jobs: Record<
          string,
          {
            uses?: string;
            needs?: string;
            steps?: { uses?: string; run?: string; with?: Record<string, unknown> }[];
          }
        >;
      };
    expect(readFileSync(join(REPO, 'README.md'), 'utf8')).toContain('bash scripts/test.sh');
    const ci = read('ci.yml');
    const steps = ci.jobs.test?.steps ?? [];
    expect(steps.map((s) => s.run)).toContain('bash scripts/test.sh');
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-go@'))?.with?.['go-version']).toBe('1.26');
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version']).toBe(20);
    expect(ci.on).toHaveProperty('workflow_call');
    const release = read('release.yml');
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    expect(release.jobs.test?.uses).toBe('./.github/workflows/ci.yml');
    expect(release.jobs.release?.needs).toBe('test');
  });
});
