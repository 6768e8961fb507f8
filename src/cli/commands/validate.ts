/** `aviary validate -f FILE...`: checks manifests and prints every problem with its fix. */
import type { Command } from 'commander';
import type { Provider } from '../../api/types.js';
import { AviaryError } from '../../errors.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check Canary, MetricTemplate and AlertProvider manifests; exits 1 on any error')
    .requiredOption('-f, --filename <file>', 'YAML file to check ("-" for stdin); repeatable', collect, [])
    .option('--no-warnings', 'print errors only')
    .option(
      '--mesh-provider <name>',
      "the controller's --mesh-provider: check Canaries without spec.provider against that router",
    )
    .action(async (opts: { filename: string[]; warnings: boolean; meshProvider?: string }) => {
      const [{ formatProblem, validateDocuments }, { PROVIDERS }] = await Promise.all([
        import('../../validation/validate.js'),
        import('../../api/schema/index.js'),
      ]);
      const meshProvider = opts.meshProvider as Provider | undefined;
      if (meshProvider !== undefined && !(PROVIDERS as readonly string[]).includes(meshProvider))
        throw new AviaryError(
          'USAGE',
          `--mesh-provider: "${meshProvider}" is not one of ${PROVIDERS.join(', ')}`,
        );
      let errors = 0;
      let warnings = 0;
      let valid = 0;
      let checked = 0;
      for (const file of opts.filename) {
        const text = await readManifest(file);
        if (text instanceof AviaryError) {
          // too large to read: an error about this file, and the other files are still checked
          process.stdout.write(`${text.message}\n`);
          errors++;
          continue;
        }
        const result = validateDocuments(text, {
          warnings: opts.warnings,
          ...(meshProvider ? { meshProvider } : {}),
        });
        for (const problem of result.problems) {
          process.stdout.write(`${formatProblem(problem, `${file}:`)}\n`);
          if (problem.severity === 'error') errors++;
          else warnings++;
        }
        checked += result.documents.filter((d) => d.checked).length;
        valid += result.documents.filter((d) => d.valid).length;
      }
      const warned = warnings > 0 ? ` (${plural(warnings, 'warning')})` : '';
      if (errors > 0) {
        throw new AviaryError(
          'INVALID_SPEC',
          `${plural(errors, 'error')}${warned}: ${valid} of ${plural(checked, 'document')} valid`,
        );
      }
      process.stdout.write(`${plural(valid, 'document')} valid${warned}\n`);
    });
}

async function readManifest(file: string): Promise<string | AviaryError> {
  const { readInput } = await import('./read-input.js');
  try {
    return await readInput(file);
  } catch (err) {
    if (err instanceof AviaryError && err.code === 'INVALID_SPEC') return err;
    throw err;
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
