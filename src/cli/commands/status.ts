/** `aviary status NAME`: phase, steps done and left, each check against its threshold and the primary, the last events. */
import type { Command } from 'commander';
import { addTargetFlags, type TargetFlags } from '../release/target.js';

interface StatusFlags extends TargetFlags {
  events: string;
}

export function register(program: Command): void {
  addTargetFlags(
    program
      .command('status')
      .description("a canary's phase, steps, checks against their thresholds and its last events")
      .argument('<name>', 'the Canary'),
  )
    .option('--events <n>', 'how many of the last events to show', '10')
    .action(async (name: string, flags: StatusFlags) => {
      const [{ openTarget }, { readerFor }, { statusText }, { eventLimit }] = await Promise.all([
        import('../release/target.js'),
        import('../release/reader.js'),
        import('../release/status-text.js'),
        import('../release/event-limit.js'),
      ]);
      const limit = eventLimit(flags.events);
      const reader = readerFor(await openTarget(flags));
      const record = await reader.get(name);
      const events = await reader.events(record, limit);
      process.stdout.write(`${statusText(record, events, Date.now())}\n`);
    });
}
