/**
 * `aviary get canaries [NAME]`: the canaries of a namespace (-A: all) as kubectl shows resources —
 * name, phase, canary weight, failed checks, time since the last transition — or as YAML/JSON.
 */
import type { Command } from 'commander';
import { AviaryError } from '../../errors.js';
import { addTargetFlags, type TargetFlags } from '../release/target.js';

const RESOURCES = new Set(['canaries', 'canary', 'canaries.aviary.dev', 'cd']);

interface GetFlags extends TargetFlags {
  allNamespaces?: boolean;
  output?: string;
}

export function register(program: Command): void {
  addTargetFlags(
    program
      .command('get')
      .description('list canaries: phase, weight, failed checks, last transition (kubectl get style)')
      .argument('<resource>', 'canaries')
      .argument('[name]', 'one canary'),
  )
    .option('-A, --all-namespaces', 'canaries of every namespace')
    .option('-o, --output <format>', 'yaml or json instead of the table')
    .action(async (resource: string, name: string | undefined, flags: GetFlags) => {
      if (!RESOURCES.has(resource)) {
        throw new AviaryError('USAGE', `get: unknown resource "${resource}" — aviary get canaries`);
      }
      if (flags.output !== undefined && flags.output !== 'yaml' && flags.output !== 'json') {
        throw new AviaryError('USAGE', `--output: "${flags.output}" is not yaml or json`);
      }
      const [{ openTarget }, { readerFor }, { canaryTable }, { printObjects }] = await Promise.all([
        import('../release/target.js'),
        import('../release/reader.js'),
        import('../release/table.js'),
        import('../release/print-objects.js'),
      ]);
      const target = await openTarget(flags);
      const reader = readerFor(target);
      const all = Boolean(flags.allNamespaces) && target.kind === 'kube';
      const records = name ? [await reader.get(name)] : await reader.list(all);
      if (flags.output) {
        process.stdout.write(printObjects(records, flags.output, name === undefined));
        return;
      }
      if (records.length === 0) {
        const where =
          target.kind === 'local'
            ? `in ${target.stateDir}`
            : all
              ? 'in any namespace'
              : `in namespace ${target.namespace}`;
        process.stderr.write(`No canaries found ${where}.\n`);
        return;
      }
      process.stdout.write(`${canaryTable(records, all, Date.now())}\n`);
    });
}
