/**
 * Reads canaries, their status and their recent events for the verbs, from either target. A local
 * canary is what its state directory holds: the status file, the Canary the run read, the event log.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { Canary, CanaryStatus } from '../../api/types.js';
import { eventView } from '../../dashboard/kube-source.js';
import { withTimeout } from '../../kube/timeout.js';
import type { EventView } from '../../dashboard/types.js';
import { AviaryError } from '../../errors.js';
import { localPaths, readEvents } from '../../intents/local-files.js';
import { GROUP, VERSION } from '../../kube/client.js';
import { callerKubeError } from '../../intents/caller-error.js';
import { FileStatusStore } from '../../local/run/state-file.js';
import type { Target } from './target.js';

export interface CanaryRecord {
  name: string;
  /** Absent for local canaries. */
  namespace?: string;
  status: CanaryStatus;
  /** The Canary as stored (spec included); locally absent when the run predates this copy. */
  canary?: Canary;
}

export interface CanaryReader {
  list(allNamespaces: boolean): Promise<CanaryRecord[]>;
  get(name: string): Promise<CanaryRecord>;
  /** Newest first, at most `limit`. */
  events(record: CanaryRecord, limit: number): Promise<EventView[]>;
}

const STATUS_SUFFIX = '.status.json';
const ref = { group: GROUP, version: VERSION, plural: 'canaries' };

export function readerFor(target: Target): CanaryReader {
  return target.kind === 'kube' ? kubeReader(target) : localReader(target.stateDir);
}

function kubeReader(target: Extract<Target, { kind: 'kube' }>): CanaryReader {
  const { clients, namespace, timeoutMs } = target;
  const record = (canary: Canary): CanaryRecord => ({
    name: canary.metadata.name,
    namespace: canary.metadata.namespace ?? namespace,
    status: canary.status ?? {},
    canary,
  });
  return {
    async list(allNamespaces) {
      try {
        const list = (await (allNamespaces
          ? clients.custom.listClusterCustomObject(ref, withTimeout(timeoutMs))
          : clients.custom.listNamespacedCustomObject({ ...ref, namespace }, withTimeout(timeoutMs)))) as {
          items?: Canary[];
        };
        return (list.items ?? []).map(record);
      } catch (err) {
        throw callerKubeError(err, `listing canaries${allNamespaces ? '' : ` in namespace ${namespace}`}`);
      }
    },
    async get(name) {
      try {
        return record(
          (await clients.custom.getNamespacedCustomObject(
            { ...ref, namespace, name },
            withTimeout(timeoutMs),
          )) as Canary,
        );
      } catch (err) {
        throw callerKubeError(err, `reading canary ${namespace}/${name}`);
      }
    },
    async events(canary, limit) {
      const ns = canary.namespace ?? namespace;
      try {
        const list = await clients.core.listNamespacedEvent(
          { namespace: ns, fieldSelector: `involvedObject.kind=Canary,involvedObject.name=${canary.name}` },
          withTimeout(timeoutMs),
        );
        return list.items
          .map(eventView)
          .sort((a, b) => (b.time ?? '').localeCompare(a.time ?? ''))
          .slice(0, limit);
      } catch (err) {
        throw callerKubeError(err, `listing events of canary ${ns}/${canary.name}`);
      }
    },
  };
}

function localReader(stateDir: string): CanaryReader {
  const read = async (name: string): Promise<CanaryRecord | undefined> => {
    const paths = localPaths(stateDir, name);
    const status = await new FileStatusStore(paths.status).read();
    if (!status) return undefined;
    let canary: Canary | undefined;
    try {
      canary = JSON.parse(await readFile(paths.canary, 'utf8')) as Canary;
    } catch {
      canary = undefined; // a run from before the copy was kept: the status alone
    }
    return { name, status, ...(canary ? { canary } : {}) };
  };
  return {
    async list() {
      let files: string[];
      try {
        files = (await readdir(stateDir)).filter((f) => f.endsWith(STATUS_SUFFIX)).sort();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw new AviaryError('USAGE', `reading --state-dir ${stateDir}: ${(err as Error).message}`);
      }
      const records = await Promise.all(files.map((f) => read(f.slice(0, -STATUS_SUFFIX.length))));
      return records.filter((r): r is CanaryRecord => r !== undefined);
    },
    async get(name) {
      const found = await read(name);
      if (!found) {
        throw new AviaryError(
          'NOT_FOUND',
          `no local canary "${name}" in ${stateDir} (no ${localPaths(stateDir, name).status}) — pass the --state-dir of its aviary run`,
        );
      }
      return found;
    },
    events: (record, limit) => readEvents(stateDir, record.name, limit),
  };
}
