/**
 * Every provider in the router registry has its contract run: a Kubernetes router in a test/routers
 * file that calls runRouterContract for it, the local router in local.test.ts. Adding a provider
 * without its contract fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROUTERS, routedProviders } from '../../src/routers/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const contractFiles = readdirSync(here)
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => readFileSync(path.join(here, f), 'utf8'))
  .filter((text) => text.includes('runRouterContract('));

describe('router registry', () => {
  it('every Kubernetes provider has a contract run, and the local router its own', () => {
    const kube = routedProviders().filter((p) => ROUTERS[p]?.runtime === 'kubernetes');
    expect(kube.filter((p) => !contractFiles.some((text) => text.includes(`'${p}'`)))).toEqual([]);
    expect(readFileSync(path.join(here, 'local.test.ts'), 'utf8')).toContain("routerEntry('local')");
  });
});
