/**
 * `aviary run -f canary.yaml`: one release of a service that is not on Kubernetes. Starts the stable
 * and canary commands behind Aviary's router and runs the Canary until it is promoted (exit 0) or rolled
 * back (exit 1). Ctrl-C (SIGINT) or SIGTERM routes all traffic back to the stable version, stops every
 * process and exits 130 or 143, as a shell reports a command ended by that signal. Values from the
 * file's Secrets are redacted from everything it prints: logs, progress, events and errors.
 */
import type { Command } from 'commander';
import { AviaryError } from '../../errors.js';

interface RunFlags {
  filename: string;
  stateDir: string;
  ci?: boolean;
  minInterval: string;
  logLevel: string;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run a local Canary (provider: local) until it is promoted (exit 0) or rolled back (exit 1)')
    .requiredOption(
      '-f, --filename <file>',
      'YAML with one Canary and the AlertProviders, MetricTemplates, Secrets it uses',
    )
    .option('--state-dir <dir>', 'where the status is kept between runs (resume after a crash)', '.aviary')
    .option(
      '--ci',
      'plain progress lines instead of the live display (also when stdout is not a terminal or NO_COLOR is set)',
    )
    .option('--min-interval <duration>', 'floor of the analysis interval', '1s')
    .option('--log-level <level>', 'JSON logs on stderr at this level (silent, info, debug)', 'silent')
    .action(async (flags: RunFlags) => {
      const [
        { pino },
        { parseDuration },
        { readManifests },
        { signalExitCode },
        { SecretRedactor },
        { LocalRelease },
        { viewFor },
        { snapshotOf },
      ] = await Promise.all([
        import('../../logging.js'),
        import('../../api/duration.js'),
        import('../../local/run/manifests.js'),
        import('../../local/supervisor/index.js'),
        import('../../notify/index.js'),
        import('../../local/run/local-release.js'),
        import('../../progress/view-for.js'),
        import('../../progress/snapshot.js'),
      ]);
      const minimumIntervalMs = parseDuration(flags.minInterval);
      if (minimumIntervalMs === undefined) {
        throw new AviaryError('USAGE', `--min-interval: "${flags.minInterval}" is not a duration such as 1s`);
      }
      const manifests = await readManifests(flags.filename);
      const { canary } = manifests;
      const view = viewFor({ ci: Boolean(flags.ci) });
      const started = Date.now();
      const redactor = new SecretRedactor(manifests.secrets);
      const stderr = pino.destination({ fd: 2, sync: true });
      const release = new LocalRelease({
        manifests,
        stateDir: flags.stateDir,
        minimumIntervalMs,
        // The last net for secrets: every log line, whoever wrote it, is redacted on its way out.
        logger: pino(
          { level: flags.logLevel },
          { write: (line: string) => stderr.write(redactor.redact(line)) },
        ),
        onEvent: (type, message) => view.event(type, message),
        onStatus: (status) =>
          view.update(
            snapshotOf(
              `${canary.metadata.name} (router :${release.routerPort ?? '?'})`,
              canary,
              status,
              started,
            ),
          ),
      });
      const uninstall = release.local.installExitHandlers((signal) => {
        const what = signal === 'SIGINT' ? 'interrupted' : `${signal} received`;
        view.line(`${what}: routing all traffic to the stable version and stopping every process`);
        void release.close().finally(() => process.exit(signalExitCode(signal)));
      });
      try {
        const outcome = await release.run().catch((err: unknown) => {
          throw redactor.redactError(err);
        });
        view.close();
        const detail = outcome.phase === 'Failed' ? `: ${outcome.status.failureReason ?? ''}` : '';
        process.stdout.write(
          `${canary.metadata.name} ${outcome.phase === 'Succeeded' ? 'promoted' : 'rolled back'}${detail}\n`,
        );
        process.exitCode = outcome.phase === 'Succeeded' ? 0 : 1;
      } finally {
        uninstall();
        await release.close();
      }
    });
}
