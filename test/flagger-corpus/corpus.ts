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
  /** The `-mesh-provider` Flagger runs this Canary with where it comes from (sources.json says why). */
  meshProvider: string;
}

/** What scripts/flagger-canaries.ts wrote beside the Canaries. */
export interface CorpusSources {
  commit: string;
  tag: string;
  canaries: number;
  unreadable: unknown[];
  meshProviders: Record<string, { provider: string; from: string }>;
}

export function corpusSources(): CorpusSources {
  return JSON.parse(readFileSync(path.join(CORPUS, 'sources.json'), 'utf8')) as CorpusSources;
}

export function flaggerCanaries(): CorpusCanary[] {
  const dir = path.join(CORPUS, 'canaries');
  const { meshProviders } = corpusSources();
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const meshProvider = meshProviders[name]?.provider;
      if (!meshProvider) throw new Error(`${CORPUS}/sources.json: no mesh provider for ${name}`);
      return { name, text: readFileSync(path.join(dir, name), 'utf8'), meshProvider };
    });
}
