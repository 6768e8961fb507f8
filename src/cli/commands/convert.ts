/** `aviary convert -f FILE [-o OUT]`: rewrites Flagger manifests as aviary.dev/v1beta1. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('convert')
    .description(
      'rewrite flagger.app Canary, MetricTemplate and AlertProvider manifests as aviary.dev/v1beta1',
    )
    .requiredOption('-f, --filename <file>', 'YAML file with Flagger manifests ("-" for stdin)')
    .option('-o, --output <file>', 'write the result here (may be the input file) instead of stdout')
    .action(async (opts: { filename: string; output?: string }) => {
      const [{ convertFlagger }, { readInput }] = await Promise.all([
        import('../../api/convert.js'),
        import('./read-input.js'),
      ]);
      const { text, converted, notes } = convertFlagger(await readInput(opts.filename));
      for (const note of notes) process.stderr.write(`${note}\n`);
      if (opts.output) {
        await writeFile(opts.output, text);
        process.stderr.write(`wrote ${opts.output} (${converted} converted)\n`);
      } else {
        process.stdout.write(text);
      }
    });
}
