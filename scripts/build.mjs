#!/usr/bin/env node
// `npm run build`: compiles src/ to dist/ with tsconfig.build.json and writes dist/build-info.json, the
// git commit `aviary version` reports: $AVIARY_COMMIT when set (an image build, whose context has no
// .git), else git's HEAD, else "unknown". Plain JavaScript so that it runs with nothing but node and
// the installed TypeScript.
//
//   node scripts/build.mjs [--out-dir DIR]    (default: dist; the directory is emptied first)
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'dist' } } });
const outDir = path.resolve(root, values['out-dir']);

// A file removed from src/ must not live on in dist/.
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: root,
    stdio: 'inherit',
  });
} catch {
  process.stderr.write('build: tsc failed (errors above); nothing usable in ' + outDir + '\n');
  rmSync(outDir, { recursive: true, force: true });
  process.exit(1);
}

writeFileSync(
  path.join(outDir, 'build-info.json'),
  JSON.stringify({ commit: process.env.AVIARY_COMMIT || gitCommit() }, null, 2) + '\n',
);
process.stderr.write(`build: ${path.relative(process.cwd(), outDir) || '.'} ready\n`);

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
