/**
 * What `aviary version` reports: the package version, the git commit it was built from and the Node.js
 * running it. A compiled build (dist/) reads the commit that `npm run build` (scripts/build.mjs) wrote
 * into dist/build-info.json; the TypeScript sources ask git. Outside a git checkout it is "unknown".
 * Paths are relative to this module, which sits at the same depth in src/ and dist/.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  version: string;
  /** Full commit hash, "-modified" appended when tracked files differed from it; or "unknown". */
  commit: string;
  node: string;
  /** "dist" for the compiled build, "sources" for the TypeScript run through tsx. */
  build: 'dist' | 'sources';
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}

export function buildInfo(): BuildInfo {
  const build = import.meta.url.endsWith('.ts') ? 'sources' : 'dist';
  return {
    version: packageVersion(),
    commit: build === 'dist' ? embeddedCommit() : gitCommit(fileURLToPath(new URL('../..', import.meta.url))),
    node: process.version,
    build,
  };
}

function embeddedCommit(): string {
  try {
    const info = JSON.parse(readFileSync(new URL('../build-info.json', import.meta.url), 'utf8')) as {
      commit?: unknown;
    };
    return typeof info.commit === 'string' && info.commit ? info.commit : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The same rule as scripts/build.mjs. */
function gitCommit(root: string): string {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const commit = git('rev-parse', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') === '' ? commit : `${commit}-modified`;
  } catch {
    return 'unknown';
  }
}
