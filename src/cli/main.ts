/**
 * The `aviary` command: a thin shell over the library. Each subcommand lives in ./commands/<name>.ts and
 * exports `register(program)`; the actions call the same functions the controller and tests use.
 */
import { Command, CommanderError } from 'commander';
import { exitCodeOf } from '../errors.js';

type Registrar = (program: Command) => void;

/** Subcommand modules, loaded in this order (help lists them in this order). */
const COMMANDS: (() => Promise<{ register: Registrar }>)[] = [
  () => import('./commands/demo.js'),
  () => import('./commands/run.js'),
  () => import('./commands/validate.js'),
  () => import('./commands/convert.js'),
  () => import('./commands/controller.js'),
  () => import('./commands/loadtester.js'),
  () => import('./commands/dashboard.js'),
];

export async function main(argv: string[]): Promise<number> {
  const program = new Command('aviary')
    .description('Progressive delivery: canary, A/B and blue/green releases on Kubernetes or locally')
    .exitOverride()
    .showHelpAfterError();
  for (const load of COMMANDS) (await load()).register(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    process.stderr.write(`aviary: ${err instanceof Error ? err.message : String(err)}\n`);
    return exitCodeOf(err);
  }
}
