/**
 * The versions of a run are their own process groups, so an `aviary run` killed with SIGKILL (or by a
 * crash) cannot take them down with it: they keep their ports, and the next run could not start its own.
 * The run therefore writes down every process before it is spawned (its name, command and a token that
 * is put in its environment) and its pid with its start time right after, and the next run stops what
 * those records still find alive:
 * - the recorded pid, when /proc shows the same start time (a reused pid is never touched);
 * - every live process whose environment carries the token — this covers a run killed between the
 *   spawn and the pid being written, and children left behind by a version whose leader has died.
 * Each record file write is atomic (temp file + rename) and finishes before the spawn it announces.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AviaryError } from '../../errors.js';
import { crashPoint } from '../crash-point.js';
import {
  PROCESS_TOKEN_ENV,
  processGroupOf,
  processStartTime,
  processesWithEnv,
  substitutePort,
  terminateGroup,
  type ProcessDefinition,
  type ProcessJournal,
} from '../supervisor/index.js';

interface ProcessRecord {
  name: string;
  /** Put in the process's environment as AVIARY_PROCESS_TOKEN before it is spawned. */
  token?: string;
  argv: string[];
  port?: number;
  /** Written right after the spawn. */
  pid?: number;
  /** /proc start time of `pid`, which tells the process apart from a later one given the same pid. */
  startTime?: string;
  /** The `aviary run` that started it (pid and start time). */
  owner?: { pid: number; startTime?: string };
}

const self = (): ProcessRecord['owner'] => {
  const startTime = processStartTime(process.pid);
  return { pid: process.pid, ...(startTime !== undefined ? { startTime } : {}) };
};

export class ProcessRecordFile implements ProcessJournal {
  private records: ProcessRecord[] = [];
  /** Writes run one after another, in the order they were asked for. */
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  starting(definition: ProcessDefinition, token: string): Promise<void> {
    return this.change(() => {
      this.records = this.records.filter((r) => r.token !== token);
      this.records.push({
        name: definition.name,
        token,
        argv: substitutePort(definition.command, definition.port),
        port: definition.port,
        owner: self(),
      });
    });
  }

  started(_name: string, token: string, pid: number | undefined): Promise<void> {
    return this.change(() => {
      const record = this.records.find((r) => r.token === token);
      if (!record) return;
      const startTime = pid === undefined ? undefined : processStartTime(pid);
      if (pid === undefined) this.records = this.records.filter((r) => r !== record);
      else Object.assign(record, { pid, ...(startTime !== undefined ? { startTime } : {}) });
    });
  }

  stopped(_name: string, token: string): Promise<void> {
    return this.change(() => {
      this.records = this.records.filter((r) => r.token !== token);
    });
  }

  async clear(): Promise<void> {
    await this.queue;
    this.records = [];
    await rm(this.path, { force: true });
  }

  /**
   * Stops what a previous run's records still find alive (SIGTERM, SIGKILL after `graceMs`); returns a
   * line per version stopped. Call before this run starts anything; the file is removed afterwards.
   */
  async reap(graceMs = 5000): Promise<string[]> {
    let previous: ProcessRecord[];
    try {
      previous = JSON.parse(await readFile(this.path, 'utf8')) as ProcessRecord[];
    } catch {
      previous = [];
    }
    if (!Array.isArray(previous)) previous = [];
    const owner = previous.map((r) => r.owner).find((o) => o !== undefined && ownerAlive(o));
    if (owner) {
      throw new AviaryError(
        'CONFLICT',
        `another aviary run (pid ${owner.pid}) is running this canary with the same state (${this.path}); ` +
          'stop it first, or give this run another --state-dir and other ports',
      );
    }
    const reaped: string[] = [];
    for (const record of previous) {
      const groups = leftRunning(record);
      if (groups.size === 0) continue;
      await Promise.all([...groups].map((pgid) => terminateGroup(pgid, graceMs)));
      const pid = record.pid ?? [...groups][0];
      reaped.push(`stopped ${record.name} (pid ${pid}) left running by a previous aviary run`);
    }
    await this.clear();
    return reaped;
  }

  private change(apply: () => void): Promise<void> {
    const next = this.queue.then(async () => {
      apply();
      await this.write();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async write(): Promise<void> {
    crashPoint('process-record-write:before');
    await mkdir(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(this.records, null, 2)}\n`);
    await rename(temp, this.path);
    crashPoint('process-record-write:after');
  }
}

/** An earlier `aviary run` that is still running (not this one, and not a later process given its pid). */
function ownerAlive(owner: NonNullable<ProcessRecord['owner']>): boolean {
  if (owner.pid === process.pid || owner.startTime === undefined) return false;
  return processStartTime(owner.pid) === owner.startTime;
}

/** The process groups of a record's processes that are still alive. */
function leftRunning(record: ProcessRecord): Set<number> {
  const groups = new Set<number>();
  if (record.pid !== undefined) {
    const same =
      record.startTime !== undefined
        ? processStartTime(record.pid) === record.startTime
        : // Records written before start times were kept: the command line must still match.
          record.token === undefined && sameCommandLine(record.pid, record.argv);
    if (same) groups.add(record.pid);
  }
  if (record.token !== undefined) {
    for (const pid of processesWithEnv(PROCESS_TOKEN_ENV, record.token)) {
      const pgid = processGroupOf(pid);
      if (pgid !== undefined) groups.add(pgid);
    }
  }
  return groups;
}

function sameCommandLine(pid: number, argv: readonly string[]): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
    return JSON.stringify(cmdline) === JSON.stringify(argv) && processStartTime(pid) !== undefined;
  } catch {
    return false; // gone, or no /proc: never signal a process we cannot identify
  }
}
