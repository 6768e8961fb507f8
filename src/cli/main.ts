/**
 * The `aviary` command: a thin shell over the library. Each subcommand lives in ./commands/<name>.ts and
 * exports `register(program)`, which declares its flags only: the action imports what it runs (the
 * controller, the Kubernetes client, the local runtime, ...) when it runs, so `aviary --help` and
 * `aviary version` load commander and little else.
 */
import { Command, CommanderError } from 'commander';
import { exitCodeOf } from '../errors.js';
import { packageVersion } from './build-info.js';
import { withFlaggerSpelling } from './flagger-spelling.js';
import * as abort from './commands/abort.js';
import * as controller from './commands/controller.js';
import * as convert from './commands/convert.js';
import * as dashboard from './commands/dashboard.js';
import * as demo from './commands/demo.js';
import * as get from './commands/get.js';
import * as loadtester from './commands/loadtester.js';
import * as pause from './commands/pause.js';
import * as promote from './commands/promote.js';
import * as resume from './commands/resume.js';
import * as retry from './commands/retry.js';
import * as run from './commands/run.js';
import * as status from './commands/status.js';
import * as validate from './commands/validate.js';
import * as verify from './commands/verify.js';
import * as version from './commands/version.js';
import * as watch from './commands/watch.js';

/** Help lists the subcommands in this order. */
const COMMANDS = [
  demo,
  run,
  get,
  status,
  watch,
  promote,
  abort,
  pause,
  resume,
  retry,
  validate,
  convert,
  controller,
  loadtester,
  dashboard,
  verify,
  version,
];

export async function main(argv: string[]): Promise<number> {
  // `kubectl aviary` (bin/kubectl-aviary.js) is this command under kubectl's plugin name.
  const program = new Command(process.env.AVIARY_COMMAND_NAME ?? 'aviary')
    .description('Progressive delivery: canary, A/B and blue/green releases on Kubernetes or locally')
    .version(packageVersion(), '-V, --version', 'print the version number')
    .exitOverride()
    .showHelpAfterError();
  for (const command of COMMANDS) command.register(program);
  // `aviary controller` also takes Flagger's spelling of its flags (-metrics-server=..., -flag=false).
  const controllerCommand = program.commands.find((c) => c.name() === 'controller');
  const args =
    controllerCommand && argv[2] === 'controller'
      ? [...argv.slice(0, 3), ...withFlaggerSpelling(argv.slice(3), controllerCommand)]
      : argv;
  try {
    await program.parseAsync(args);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    process.stderr.write(`aviary: ${err instanceof Error ? err.message : String(err)}\n`);
    return exitCodeOf(err);
  }
}
