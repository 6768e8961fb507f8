/**
 * The files a local release keeps beside `<name>.status.json` in its state directory, for the verbs:
 * the pending intent and the event log (what Kubernetes Events are to a Canary in a cluster).
 */
import { appendFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Canary } from '../api/types.js';
import type { EventView } from '../api/event-view.js';

export const localPaths = (stateDir: string, name: string) => ({
  status: join(stateDir, `${name}.status.json`),
  intent: join(stateDir, `${name}.intent.json`),
  events: join(stateDir, `${name}.events.jsonl`),
  /** The Canary as the run read it (so `aviary status` knows the steps without the YAML). */
  canary: join(stateDir, `${name}.canary.json`),
});

/** The log is cut to its newer half past this size, so a long-running release cannot fill the disk. */
const MAX_EVENT_LOG_BYTES = 256 * 1024;

export async function appendEvent(stateDir: string, name: string, event: EventView): Promise<void> {
  const path = localPaths(stateDir, name).events;
  await appendFile(path, `${JSON.stringify(event)}\n`);
  if ((await stat(path)).size > MAX_EVENT_LOG_BYTES) {
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    await writeFile(path, `${lines.slice(Math.floor(lines.length / 2)).join('\n')}\n`);
  }
}

/** The newest `limit` events, newest first; none when the release has logged nothing yet. */
export async function readEvents(stateDir: string, name: string, limit: number): Promise<EventView[]> {
  let text: string;
  try {
    text = await readFile(localPaths(stateDir, name).events, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const events: EventView[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      events.push(JSON.parse(line) as EventView);
    } catch {
      // a line cut by a crash mid-append: the rest of the log still reads
    }
  }
  return events.reverse().slice(0, limit);
}

/** The pending intent's text, as the run puts it on the Canary's aviary.dev/intent annotation. */
export async function readIntentText(stateDir: string, name: string): Promise<string | undefined> {
  try {
    return (await readFile(localPaths(stateDir, name).intent, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Keeps the Canary the run read, for `aviary get -o yaml` and the steps of `aviary status`. */
export async function writeCanaryCopy(stateDir: string, canary: Canary): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  await writeFile(localPaths(stateDir, canary.metadata.name).canary, `${JSON.stringify(canary, null, 2)}\n`);
}
