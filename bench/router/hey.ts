/** Runs `hey` (the Debian package) and parses its summary. */
import { spawn } from 'node:child_process';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses per status code. */
  statuses: Record<string, number>;
  errors: number;
}

export function parseHey(output: string): LoadResult {
  const number = (re: RegExp): number => {
    const m = re.exec(output);
    if (!m) throw new Error(`cannot find ${re} in hey output:\n${output}`);
    return Number(m[1]);
  };
  const statuses: Record<string, number> = {};
  for (const m of output.matchAll(/\[(\d{3})\]\s+(\d+) responses/g)) statuses[m[1]!] = Number(m[2]);
  const errorSection = /Error distribution:\n([\s\S]*)$/.exec(output)?.[1] ?? '';
  const errors = [...errorSection.matchAll(/\[(\d+)\]/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  return {
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    p50Ms: number(/50%+ in ([\d.]+) secs/) * 1000,
    p99Ms: number(/99%+ in ([\d.]+) secs/) * 1000,
    statuses,
    errors,
  };
}

export function runHey(url: string, duration: string, concurrency: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('hey', ['-z', duration, '-c', String(concurrency), '-disable-compression', url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`hey exited with ${code}:\n${out}`));
      try {
        resolve(parseHey(out));
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}
