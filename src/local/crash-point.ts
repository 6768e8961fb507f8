/**
 * Test hook for crash safety: the places where a killed `aviary run` could leave the world half-changed
 * (right before and right after every spawn and every state write) are named crash points. With
 * AVIARY_TEST_CRASH_AT=<point>[#<n>] the process SIGKILLs itself at the n-th time (default first) it
 * reaches that point, as `kill -9` would; with AVIARY_TEST_CRASH_LOG=<file> it appends every point it
 * reaches to that file, one line each, so a test can list them all and then kill at each in turn.
 * Unset (always, outside tests), a crash point costs one environment lookup.
 */
import { appendFileSync } from 'node:fs';

const reached = new Map<string, number>();

export function crashPoint(point: string): void {
  const at = process.env.AVIARY_TEST_CRASH_AT;
  const log = process.env.AVIARY_TEST_CRASH_LOG;
  if (!at && !log) return;
  const count = (reached.get(point) ?? 0) + 1;
  reached.set(point, count);
  if (log) appendFileSync(log, `${point}#${count}\n`);
  if (at === `${point}#${count}` || (count === 1 && at === point)) process.kill(process.pid, 'SIGKILL');
}
