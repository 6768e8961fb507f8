/**
 * `aviary dashboard`: a read-only web view of canaries, from the Kubernetes API or, with --state-dir,
 * from the status files of local runs. Serves until Ctrl-C.
 */
import type { Command } from 'commander';
import { AviaryError } from '../../errors.js';

interface DashboardFlags {
  kubeconfig?: string;
  namespace?: string;
  stateDir?: string;
  port: string;
  host: string;
}

export function register(program: Command): void {
  program
    .command('dashboard')
    .description('serve a read-only web view of canaries (Kubernetes, or local runs with --state-dir)')
    .option(
      '--kubeconfig <file>',
      'kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)',
    )
    .option('--namespace <ns>', 'only canaries in this namespace (default: all)')
    .option(
      '--state-dir <dir>',
      'show the local runs kept in this directory instead of a cluster (aviary run uses .aviary)',
    )
    .option('--port <port>', 'listen on this port', '8090')
    .option('--host <host>', 'listen on this address (the page has no authentication)', '127.0.0.1')
    .action(async (flags: DashboardFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new AviaryError('USAGE', `--port: "${flags.port}" is not a port number (0-65535)`);
      }
      if (flags.stateDir && (flags.kubeconfig || flags.namespace)) {
        throw new AviaryError('USAGE', '--state-dir shows local runs; drop --kubeconfig and --namespace');
      }
      const [{ kubeSource, localSource, startDashboard }, { loadKubeConfig, makeClients }] =
        await Promise.all([import('../../dashboard/index.js'), import('../../kube/client.js')]);
      const source = flags.stateDir
        ? localSource(flags.stateDir)
        : kubeSource({
            clients: makeClients(loadKubeConfig(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {})),
            ...(flags.namespace ? { namespace: flags.namespace } : {}),
          });
      const dashboard = await startDashboard({ source, port, host: flags.host });
      process.stdout.write(`aviary dashboard: ${dashboard.url} (${source.description}); Ctrl-C stops it\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void dashboard.close().then(resolve, resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
