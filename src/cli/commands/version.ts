/** `aviary version`: package version, git commit and Node.js version, for bug reports. */
import type { Command } from 'commander';
import { buildInfo } from '../build-info.js';

export function register(program: Command): void {
  program
    .command('version')
    .description('print the version, the git commit it was built from and the Node.js version')
    .option('--json', 'one JSON object instead of lines')
    .action((opts: { json?: boolean }) => {
      const info = buildInfo();
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(info)}\n`
          : `aviary ${info.version}\ncommit ${info.commit}\nnode   ${info.node}\nbuild  ${info.build}\n`,
      );
    });
}
