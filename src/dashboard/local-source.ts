/**
 * Canaries of `aviary run` / `aviary demo` on this machine: the `<name>.status.json` files in a state
 * directory, with the Canary the run read (`<name>.canary.json`: thresholds, maximum weight) and its
 * event log (`<name>.events.jsonl`) when the run left them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Canary, CanaryStatus } from '../api/types.js';
import { AviaryError, fixOf, unreadable } from '../errors.js';
import { localPaths, readEvents } from '../intents/local-files.js';
import { FileStatusStore } from '../local/run/state-file.js';
import { specFields, statusFields } from './status-view.js';
import type { CanarySource, CanaryView, EventView } from './types.js';

const SUFFIX = '.status.json';

export function localSource(stateDir: string): CanarySource {
  const dir = resolve(stateDir);
  return {
    description: `local state directory ${dir}`,
    async list() {
      let files: string[];
      try {
        files = (await readdir(dir)).filter((f) => f.endsWith(SUFFIX)).sort();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return []; // no run has written a status yet
        throw unreadable(`state directory ${dir}`, err);
      }
      const views = await Promise.all(files.map((file) => readOne(dir, file.slice(0, -SUFFIX.length))));
      return views.filter((v): v is CanaryView => v !== undefined);
    },
    async events(canaries, limit) {
      const byCanary = new Map<string, EventView[]>();
      for (const canary of canaries)
        byCanary.set(`/${canary.name}`, await readEvents(dir, canary.name, limit));
      return byCanary;
    },
  };
}

/** A file that vanished since the listing is skipped; an unreadable one shows as an unreadable canary instead of failing the whole list. */
async function readOne(dir: string, name: string): Promise<CanaryView | undefined> {
  let status: CanaryStatus | undefined;
  try {
    status = await new FileStatusStore(join(dir, `${name}${SUFFIX}`)).read();
  } catch (err) {
    const reason = err instanceof AviaryError ? `${err.message} — ${fixOf(err)}` : (err as Error).message;
    return { name, phase: 'Unknown', lastChecks: [], failureReason: reason, events: [] };
  }
  if (!status) return undefined;
  const spec = await readSpec(localPaths(dir, name).canary);
  return { name, ...statusFields(status), ...(spec ? specFields(spec) : {}), events: [] };
}

/** The Canary copy is a convenience: missing or unreadable, the view goes without its spec fields. */
async function readSpec(path: string): Promise<Canary['spec'] | undefined> {
  try {
    return (JSON.parse(await readFile(path, 'utf8')) as Canary).spec;
  } catch {
    return undefined;
  }
}
