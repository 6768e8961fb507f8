#!/usr/bin/env node
// `npm run build`: compiles src/ to dist/ with tsconfig.build.json and writes dist/build-info.json, the
// git commit `aviary version` reports: $AVIARY_COMMIT when set (an image build, whose context has no
// .git), else git's HEAD, else "unknown". Plain JavaScript so that it runs with nothing but node and
// the installed TypeScript (and esbuild for --bundle).
//
//   node scripts/build.mjs [--out-dir DIR] [--bundle]    (default: dist; the directory is emptied first)
//
// --bundle (the container image's build): the compiled files and every production dependency become one
// set of ES modules under DIR/cli/ (the entry points cli/main.js and cli/sample-app.js, which the demo
// spawns, plus shared chunks), so the image needs no node_modules beyond the few files read at run
// time (copyPackageFiles). Commands still load lazily: each dynamic import() becomes its own chunk. The
// chunks sit beside cli/main.js, so the paths build-info.ts and demo-canary.ts resolve from
// import.meta.url stay what they are in dist/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { 'out-dir': { type: 'string', default: 'dist' }, bundle: { type: 'boolean', default: false } },
});
const outDir = path.resolve(root, values['out-dir']);
// With --bundle, tsc's output is an intermediate step that esbuild reads.
const compiledDir = values.bundle ? `${outDir}.tsc` : outDir;

// A file removed from src/ must not live on in dist/.
rmSync(outDir, { recursive: true, force: true });
rmSync(compiledDir, { recursive: true, force: true });
mkdirSync(compiledDir, { recursive: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', compiledDir], {
    cwd: root,
    stdio: 'inherit',
  });
} catch {
  process.stderr.write('build: tsc failed (errors above); nothing usable in ' + outDir + '\n');
  rmSync(compiledDir, { recursive: true, force: true });
  process.exit(1);
}
if (values.bundle) {
  await bundle(compiledDir, outDir);
  await copyPackageFiles(compiledDir, outDir);
  rmSync(compiledDir, { recursive: true, force: true });
}

writeFileSync(
  path.join(outDir, 'build-info.json'),
  JSON.stringify({ commit: process.env.AVIARY_COMMIT || gitCommit() }, null, 2) + '\n',
);
process.stderr.write(`build: ${path.relative(process.cwd(), outDir) || '.'} ready\n`);

async function bundle(fromDir, toDir) {
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: root,
    // tsc's output may sit outside the repository (--out-dir /tmp/...): its imports resolve from ours.
    nodePaths: [path.join(root, 'node_modules')],
    entryPoints: {
      'cli/main': path.join(fromDir, 'cli', 'main.js'),
      'cli/sample-app': path.join(fromDir, 'demo', 'sample-app.js'),
    },
    outdir: toDir,
    chunkNames: 'cli/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'eof',
    // Some dependencies are CommonJS and call require() or read __dirname (google-gax, at load time); an ES
    // module has none of its own.
    banner: {
      js: [
        "import { createRequire as aviaryCreateRequire } from 'node:module';",
        "import { fileURLToPath as aviaryFileURLToPath } from 'node:url';",
        'const require = aviaryCreateRequire(import.meta.url);',
        'const __filename = aviaryFileURLToPath(import.meta.url);',
        "const __dirname = aviaryFileURLToPath(new URL('.', import.meta.url));",
      ].join(' '),
    },
    logLevel: 'warning',
  });
}

/**
 * Files of npm packages read at run time rather than imported (the dashboard's chart library), copied to
 * DIR/node_modules/<package>/ with the package's package.json and licence: resolving them from the
 * bundle's chunks in DIR/cli/ finds them there.
 */
async function copyPackageFiles(fromDir, toDir) {
  const { PACKAGE_FILES } = await import(pathToFileURL(path.join(fromDir, 'dashboard', 'assets.js')).href);
  const require = createRequire(path.join(root, 'package.json'));
  for (const file of PACKAGE_FILES) {
    const pkg = file.startsWith('@') ? file.split('/').slice(0, 2).join('/') : file.split('/')[0];
    const pkgDir = path.dirname(require.resolve(`${pkg}/package.json`));
    for (const relative of [file.slice(pkg.length + 1), 'package.json', 'LICENSE']) {
      const from = path.join(pkgDir, relative);
      if (relative === 'LICENSE' && !existsSync(from)) continue;
      const to = path.join(toDir, 'node_modules', pkg, relative);
      mkdirSync(path.dirname(to), { recursive: true });
      copyFileSync(from, to);
    }
  }
}

function gitCommit() {
  try {
    const commit = git('rev-parse', 'HEAD');
    // Tracked files changed since that commit: the build is not exactly that commit.
    const modified = git('status', '--porcelain', '--untracked-files=no') !== '';
    return modified ? `${commit}-modified` : commit;
  } catch {
    return 'unknown';
  }
}

function git(...args) {
  return execFileSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}
