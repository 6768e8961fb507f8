/**
 * `aviary watch NAME`: a live view of a release until it ends — exit 0 when it Succeeded, 1 when it
 * Failed, 124 (as timeout(1)) when --timeout passed first — so a CI pipeline can wait on it.
 */
import type { Command } from 'commander';
import { AviaryError } from '../../errors.js';
import { addTargetFlags, type TargetFlags } from '../release/target.js';

interface WatchFlags extends TargetFlags {
  timeout?: string;
  interval: string;
  next?: boolean;
  ci?: boolean;
}

export function register(program: Command): void {
  addTargetFlags(
    program
      .command('watch')
      .description('follow a release until it ends: exit 0 Succeeded, 1 Failed, 124 on --timeout')
      .argument('<name>', 'the Canary'),
  )
    .option('--timeout <duration>', 'give up after this long (e.g. 15m) and exit 124')
    .option('--interval <duration>', 'how often to read the status', '2s')
    .option('--next', 'a release that already ended does not count: wait for the next one to start and end')
    .option(
      '--ci',
      'plain lines instead of the live view (also when stdout is not a terminal or NO_COLOR is set)',
    )
    .action(async (name: string, flags: WatchFlags) => {
      const [
        { parseDuration },
        { openTarget },
        { readerFor },
        { watchRelease, WATCH_TIMEOUT_EXIT },
        { viewFor },
      ] = await Promise.all([
        import('../../api/duration.js'),
        import('../release/target.js'),
        import('../release/reader.js'),
        import('../release/watch-release.js'),
        import('../../progress/view-for.js'),
      ]);
      const duration = (flag: string, text: string | undefined) => {
        if (text === undefined) return undefined;
        const ms = parseDuration(text);
        if (ms === undefined || ms <= 0)
          throw new AviaryError('USAGE', `${flag}: "${text}" is not a duration such as 30s or 15m`);
        return ms;
      };
      const timeoutMs = duration('--timeout', flags.timeout);
      const intervalMs = duration('--interval', flags.interval) ?? 2000;
      const reader = readerFor(await openTarget(flags));
      const outcome = await watchRelease({
        reader,
        name,
        view: viewFor({ ci: Boolean(flags.ci) }),
        intervalMs,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        next: Boolean(flags.next),
      });
      process.stdout.write(`${outcome.message}\n`);
      process.exitCode =
        outcome.phase === 'Succeeded' ? 0 : outcome.phase === 'Failed' ? 1 : WATCH_TIMEOUT_EXIT;
    });
}
