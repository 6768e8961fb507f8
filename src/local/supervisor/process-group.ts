/**
 * What /proc says about processes and process groups. kill(-pgid, 0) alone counts zombies, and a zombie
 * re-parented to an init that does not reap promptly would make every stop wait its full grace period;
 * on Linux /proc tells zombies apart. /proc also identifies a process beyond its pid (its start time
 * cannot repeat for a reused pid) and finds processes by a variable in their environment, which is how
 * a run finds versions an earlier, killed run started.
 */
import { readdirSync, readFileSync } from 'node:fs';

interface ProcStat {
  state: string;
  pgrp: number;
  /** Clock ticks after boot; with the pid, what identifies one process across pid reuse. */
  startTime: string;
}

function readStat(pid: number | string): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
  // cutime cstime priority nice num_threads itrealvalue starttime ..." — comm may hold spaces and ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgrp: Number(fields[2]), startTime: fields[19] ?? '' };
}

/** The pids /proc lists, as its entry names; undefined without /proc. */
export function pidsFromProc(): string[] | undefined {
  try {
    return readdirSync('/proc').filter((e) => e.charCodeAt(0) >= 48 && e.charCodeAt(0) <= 57);
  } catch {
    return undefined;
  }
}

const live = (stat: ProcStat | undefined): stat is ProcStat =>
  stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';

function liveMembersFromProc(pgid: number): boolean | undefined {
  const pids = pidsFromProc();
  if (!pids) return undefined;
  return pids.some((pid) => {
    const stat = readStat(pid);
    return live(stat) && stat.pgrp === pgid;
  });
}

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  return liveMembersFromProc(pgid) ?? true;
}

/** The process's start time (clock ticks after boot) while it lives; undefined when gone or unknown. */
export function processStartTime(pid: number): string | undefined {
  const stat = readStat(pid);
  return live(stat) ? stat.startTime : undefined;
}

/** The process group of a live process. */
export function processGroupOf(pid: number): number | undefined {
  const stat = readStat(pid);
  return live(stat) ? stat.pgrp : undefined;
}

/**
 * Live processes whose environment holds `name=value` (only this user's processes are readable). The
 * environment is what the process was started with, so a child that changed its own still matches.
 */
export function processesWithEnv(name: string, value: string): number[] {
  const wanted = `${name}=${value}`;
  const found: number[] = [];
  for (const pid of pidsFromProc() ?? []) {
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue;
    }
    if (environ.split('\0').includes(wanted) && live(readStat(pid))) found.push(Number(pid));
  }
  return found;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * SIGTERM to the group, SIGKILL after `graceMs`; resolves when no live process of the group is left (or
 * 5 s after the SIGKILL). Refuses this process's own group: nothing here may stop Aviary itself.
 */
export async function terminateGroup(pgid: number, graceMs: number): Promise<void> {
  if (pgid <= 1 || pgid === processGroupOf(process.pid)) return;
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(25);
  if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  const killDeadline = Date.now() + 5000;
  while (groupAlive(pgid) && Date.now() < killDeadline) await sleep(10);
}
