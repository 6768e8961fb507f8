/** `aviary demo`: a whole release on this machine — one version promoted, one rolled back. */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('demo')
    .description('run two local releases of a sample service: v2 promoted, v3 (5% errors, slow) rolled back')
    .option('--ci', 'plain progress lines instead of the live display')
    .option('--rps <n>', 'requests per second sent through the router', '400')
    .option(
      '--load-tester',
      'send the traffic with hey, run by an in-process load tester from a rollout webhook, instead of the built-in generator',
    )
    .action(async (opts: { ci?: boolean; rps: string; loadTester?: boolean }) => {
      const { runDemo } = await import('../../demo/demo.js');
      const rps = Number(opts.rps);
      process.exitCode = await runDemo({
        ci: Boolean(opts.ci),
        requestsPerSecond: Number.isFinite(rps) && rps > 0 ? rps : 400,
        loadTester: Boolean(opts.loadTester),
      });
    });
}
