/**
 * Which process listens on a TCP port, from /proc (Linux): "port 8080 is in use" is a dead end for a
 * user, "in use by pid 4121 (python3 -m http.server 8080)" is not. Undefined when /proc cannot tell
 * (another OS, or a process of another user, whose file descriptors are not readable).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { pidsFromProc } from './process-group.js';

export interface PortHolder {
  pid: number;
  /** The command line, cut to 120 characters. */
  command: string;
}

const LISTEN = '0A';

/** Inodes of the sockets listening on `port` (IPv4 and IPv6, any address). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ..."
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || fields[3] !== LISTEN) continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && fields[9]) {
        inodes.add(fields[9]);
      }
    }
  }
  return inodes;
}

function commandLine(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim().slice(0, 120);
  } catch {
    return '?';
  }
}

export function portHolder(port: number): PortHolder | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  for (const pid of pidsFromProc() ?? []) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (link.startsWith('socket:[') && inodes.has(link.slice(8, -1))) {
        return { pid: Number(pid), command: commandLine(pid) };
      }
    }
  }
  return undefined;
}
