/**
 * Canaries of `aviary run` / `aviary demo` on this machine: the `<name>.status.json` files in a state
 * directory. The file holds only the status (the spec stays in the run's YAML), so the threshold and
 * the maximum weight are unknown here, and a local run records no events.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CanaryStatus } from '../api/types.js';
import { FileStatusStore } from '../run/state-file.js';
import { statusFields } from './status-view.js';
import type { CanarySource, CanaryView } from './types.js';

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
        throw new Error(`reading state directory ${dir}: ${(err as Error).message}`, { cause: err });
      }
      const views = await Promise.all(
        files.map((file) => readOne(join(dir, file), file.slice(0, -SUFFIX.length))),
      );
      return views.filter((v): v is CanaryView => v !== undefined);
    },
  };
}

/** A file that vanished since the listing is skipped; an unreadable one shows as an unreadable canary instead of failing the whole list. */
async function readOne(path: string, name: string): Promise<CanaryView | undefined> {
  let status: CanaryStatus | undefined;
  try {
    status = await new FileStatusStore(path).read();
  } catch (err) {
    return { name, phase: 'Unknown', lastChecks: [], failureReason: (err as Error).message, events: [] };
  }
  if (!status) return undefined;
  return { name, ...statusFields(status), events: [] };
}
