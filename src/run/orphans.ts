/**
 * The versions of a run are their own process groups, so an `aviary run` killed with SIGKILL (or by a
 * crash) cannot take them down with it: they keep their ports, and the next run could not start its own.
 * The run therefore records its processes in the state dir, and the next run stops the recorded groups
 * that are still alive — only when /proc shows the same command line, so a reused pid is never touched.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { substitutePort, type Supervisor } from '../local/supervisor/index.js';
import { groupAlive } from '../local/supervisor/process-group.js';

interface ProcessRecord {
  name: string;
  pid: number;
  argv: string[];
}

export class ProcessRecordFile {
  private written = '';

  constructor(readonly path: string) {}

  /** Writes the supervisor's processes when they changed since the last call. */
  async record(supervisor: Supervisor): Promise<void> {
    const records: ProcessRecord[] = supervisor
      .list()
      .filter((p) => p.pid !== undefined && p.running)
      .map((p) => ({
        name: p.name,
        pid: p.pid!,
        argv: substitutePort(p.definition.command, p.definition.port),
      }));
    const text = `${JSON.stringify(records, null, 2)}\n`;
    if (text === this.written) return;
    await mkdir(dirname(this.path), { recursive: true });
    await writeFile(`${this.path}.tmp`, text);
    await rename(`${this.path}.tmp`, this.path);
    this.written = text;
  }

  async clear(): Promise<void> {
    await rm(this.path, { force: true });
    this.written = '';
  }

  /**
   * Stops the recorded processes a previous run left alive (SIGTERM, SIGKILL after `graceMs`);
   * returns a line per process stopped.
   */
  async reap(graceMs = 5000): Promise<string[]> {
    let records: ProcessRecord[];
    try {
      records = JSON.parse(await readFile(this.path, 'utf8')) as ProcessRecord[];
    } catch {
      return [];
    }
    const reaped: string[] = [];
    for (const record of records) {
      if (!sameCommand(record) || !groupAlive(record.pid)) continue;
      signal(record.pid, 'SIGTERM');
      const deadline = Date.now() + graceMs;
      while (groupAlive(record.pid) && Date.now() < deadline) await sleep(25);
      if (groupAlive(record.pid)) signal(record.pid, 'SIGKILL');
      while (groupAlive(record.pid) && Date.now() < deadline + 5000) await sleep(10);
      reaped.push(`stopped ${record.name} (pid ${record.pid}) left running by a previous aviary run`);
    }
    await this.clear();
    return reaped;
  }
}

function sameCommand(record: ProcessRecord): boolean {
  try {
    const cmdline = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
    return JSON.stringify(cmdline) === JSON.stringify(record.argv);
  } catch {
    return false; // gone, or no /proc: never signal a process we cannot identify
  }
}

function signal(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // already gone
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
