/**
 * The Canaries of Flagger's own repository, as copied into test/fixtures/flagger-canaries by
 * scripts/flagger-canaries.ts (one Canary per file; README.md there says from where).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../cluster/install.js';

export const CORPUS = path.join(REPO_ROOT, 'test/fixtures/flagger-canaries');

export interface CorpusCanary {
  /** File name under canaries/: Flagger's path with `/` as `__`, then `--` and the line or render. */
  name: string;
  text: string;
}

export function flaggerCanaries(): CorpusCanary[] {
  const dir = path.join(CORPUS, 'canaries');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') }));
}
