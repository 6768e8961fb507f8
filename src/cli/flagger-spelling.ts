/**
 * Flagger's flags are Go flags: one dash (`-metrics-server=...`), and booleans written `-flag=false`.
 * A Flagger user's Deployment args work unchanged: each single-dash spelling of one of the command's
 * long options becomes the double-dash one, and `=true`/`=false` on a negatable flag becomes its
 * presence or absence. Anything else is left to commander (and its errors).
 */
import type { Command } from 'commander';

export function withFlaggerSpelling(args: readonly string[], command: Command): string[] {
  const longs = new Set(command.options.map((o) => o.long).filter((l): l is string => Boolean(l)));
  const out: string[] = [];
  for (const arg of args) {
    const match = /^-([a-z][a-z0-9-]+)(=.*)?$/.exec(arg);
    const long = match ? `--${match[1]}` : undefined;
    if (!match || !long || !longs.has(long)) {
      out.push(arg);
      continue;
    }
    const value = match[2]?.slice(1);
    const negatable = long.startsWith('--no-');
    if (negatable && (value === 'true' || value === undefined)) out.push(long);
    else if (negatable && value === 'false') continue;
    else out.push(value === undefined ? long : `${long}=${value}`);
  }
  return out;
}
