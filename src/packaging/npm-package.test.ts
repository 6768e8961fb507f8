/**
 * The compiled build as it ships: `npm run build` into a temporary package, `npm pack` of it, and the
 * packed bin run from the unpacked tarball (dependencies linked from this checkout, no src/ in it).
 * Nothing here writes this checkout's dist/.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const work = mkdtempSync(join(tmpdir(), 'aviary-package-'));
/** A checkout-like package: package.json, bin/, src/ (copied before the build) and the built dist/. */
const pkg = join(work, 'pkg');

function run(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(file, args, {
    cwd: options.cwd ?? REPO,
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function aviary(root: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return run(process.execPath, [join(root, 'bin', 'aviary.js'), ...args], { cwd: work, env });
}

beforeAll(() => {
  mkdirSync(join(pkg, 'bin'), { recursive: true });
  copyFileSync(join(REPO, 'package.json'), join(pkg, 'package.json'));
  copyFileSync(join(REPO, 'bin', 'aviary.js'), join(pkg, 'bin', 'aviary.js'));
  cpSync(join(REPO, 'src'), join(pkg, 'src'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(pkg, 'node_modules'));
  // src/ copied before the build, as a checkout followed by a build.
  run(NPM, ['run', '--silent', 'build', '--', '--out-dir', join(pkg, 'dist')]);
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run build', () => {
  it('compiles src/ without the tests and test doubles, and embeds the git commit', () => {
    const dist = join(pkg, 'dist');
    expect(existsSync(join(dist, 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(dist, 'demo', 'sample-app.js'))).toBe(true);
    const files = run('find', [dist, '-type', 'f']).split('\n');
    expect(files.filter((f) => /\.test\.js$|\/testing\/|\/hooks\/testing\.js$/.test(f))).toEqual([]);
    const head = run('git', ['rev-parse', 'HEAD']).trim();
    const info = JSON.parse(readFileSync(join(dist, 'build-info.json'), 'utf8')) as { commit: string };
    expect(info.commit).toMatch(new RegExp(`^${head}(-modified)?$`));
  });

  it('loads no command module for --help or version (lazy imports)', () => {
    // A resolve hook (Node calls it for every ESM import) appends each module URL to a file.
    const record = join(work, 'modules.txt');
    writeFileSync(
      join(work, 'record-hooks.mjs'),
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.AVIARY_RECORD_MODULES, result.url + '\\n');
  return result;
}
`,
    );
    const hooks = join(work, 'record-modules.mjs');
    writeFileSync(
      hooks,
      `import { register } from 'node:module';\nregister('./record-hooks.mjs', import.meta.url);\n`,
    );
    for (const args of [['--help'], ['version']]) {
      writeFileSync(record, '');
      run(process.execPath, ['--import', pathToFileURL(hooks).href, join(pkg, 'bin', 'aviary.js'), ...args], {
        cwd: work,
        env: { AVIARY_RECORD_MODULES: record },
      });
      const loaded = readFileSync(record, 'utf8').split('\n').filter(Boolean);
      expect(loaded.some((url) => url.endsWith('/dist/cli/main.js'))).toBe(true);
      const heavy = loaded.filter((url) =>
        /\/dist\/(controller|engine|kube|local|run|demo|dashboard|analysis|routers|metrics)\/|@kubernetes|pino|prom-client|undici|tsx/.test(
          url,
        ),
      );
      expect(heavy, `aviary ${args.join(' ')}`).toEqual([]);
    }
  });

  it('is what bin/aviary.js runs, unless a source file changed after the build', () => {
    expect(aviary(pkg, ['--help'])).toContain('Usage: aviary');
    expect(JSON.parse(aviary(pkg, ['version', '--json']))).toMatchObject({ build: 'dist' });
    expect(JSON.parse(aviary(pkg, ['version', '--json'], { AVIARY_FROM_SOURCE: '1' }))).toMatchObject({
      build: 'sources',
    });
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(pkg, 'src', 'cli', 'main.ts'), later, later);
    expect(JSON.parse(aviary(pkg, ['version', '--json']))).toMatchObject({ build: 'sources' });
  });
});

describe('npm pack', () => {
  it('packs bin/ and dist/ (no sources), and the unpacked package runs --help and version', () => {
    const [packed] = JSON.parse(
      run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: pkg }),
    ) as { filename: string; files: { path: string }[] }[];
    const paths = packed!.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining(['package.json', 'bin/aviary.js', 'dist/cli/main.js', 'dist/build-info.json']),
    );
    expect(paths.filter((p) => !p.startsWith('dist/') && !p.startsWith('bin/'))).toEqual(['package.json']);

    const unpacked = join(work, 'unpacked');
    mkdirSync(unpacked);
    run('tar', ['-xzf', join(work, packed!.filename), '-C', unpacked]);
    const installed = join(unpacked, 'package');
    symlinkSync(join(REPO, 'node_modules'), join(installed, 'node_modules'));
    expect(aviary(installed, ['--help'])).toContain('Usage: aviary');
    const info = JSON.parse(aviary(installed, ['version', '--json'])) as Record<string, string>;
    const built = JSON.parse(readFileSync(join(pkg, 'dist', 'build-info.json'), 'utf8')) as {
      commit: string;
    };
    expect(info).toEqual({
      version: JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version,
      commit: built.commit,
      node: process.version,
      build: 'dist',
    });
  });
});
