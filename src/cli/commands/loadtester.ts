/** `aviary loadtester`: the webhook receiver that runs load tests, smoke tests and manual gates. */
import { Command, Option } from 'commander';
import { AviaryError } from '../../errors.js';
// The flag table only; the server and its dependencies are imported by the action.
import {
  loadTesterCommandOptions,
  toLoadTesterOptions,
  type LoadTesterFlagValues,
} from '../../loadtester/options.js';

export function register(program: Command): void {
  const command = program
    .command('loadtester')
    .description(
      'run the load tester: POST / runs hey/curl commands, /gate/* and /rollback/* are manual gates',
    );
  for (const flag of loadTesterCommandOptions) {
    const option = new Option(flag.flags, flag.description);
    if (flag.repeatable)
      option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    else if (flag.defaultValue !== undefined) option.default(flag.defaultValue);
    command.addOption(option);
  }
  command.option('--log-level <level>', 'debug, info, warn or error', 'info');
  command.action(async (flags: LoadTesterFlagValues & { logLevel: string }) => {
    let options;
    try {
      options = toLoadTesterOptions(flags);
    } catch (err) {
      throw new AviaryError('USAGE', (err as Error).message);
    }
    const [{ pino }, { startLoadTester }] = await Promise.all([
      import('../../logging.js'),
      import('../../loadtester/server.js'),
    ]);
    const logger = pino({ level: flags.logLevel, base: { component: 'aviary-loadtester' } });
    const server = await startLoadTester({ ...options, logger });
    await new Promise<void>((resolve) => {
      const stop = () => void server.close().then(resolve, resolve);
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
  });
}
