#!/usr/bin/env node
// Runs the compiled build (dist/, made by `npm run build`; what the npm package and the image ship) when
// there is one, else the TypeScript sources through tsx, so `npm ci && npx aviary demo` needs no build.
// In a development checkout a dist/ older than any file under src/ is ignored: an edit is never hidden
// by a stale build. AVIARY_FROM_SOURCE=1 always runs the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const built = join(root, 'dist', 'build-info.json');

let main;
if (
  process.env.AVIARY_FROM_SOURCE !== '1' &&
  existsSync(built) &&
  !changedSince(join(root, 'src'), statSync(built).mtimeMs)
) {
  ({ main } = await import(pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href));
}
process.exitCode = await main(process.argv);

/** Whether `dir` or anything in it (a package or an image has no src/: false) changed after `mtimeMs`. */
function changedSince(dir, mtimeMs) {
  let entries;
  try {
    if (statSync(dir).mtimeMs > mtimeMs) return true;
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return false;
  }
  return entries.some((entry) => {
    try {
      return statSync(join(entry.parentPath, entry.name)).mtimeMs > mtimeMs;
    } catch {
      return false; // removed while we looked
    }
  });
}
