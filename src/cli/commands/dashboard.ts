/**
 * `aviary dashboard`: a web view of canaries, from the Kubernetes API or, with --state-dir, from the
 * status files of local runs. Read-only unless started with --allow-actions and a token. Serves until
 * Ctrl-C.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AviaryError } from '../../errors.js';

/** The token's environment variable; a flag would show it in `ps`. */
const TOKEN_ENV = 'AVIARY_DASHBOARD_TOKEN';

interface DashboardFlags {
  kubeconfig?: string;
  namespace?: string;
  stateDir?: string;
  port: string;
  host: string;
  allowActions?: boolean;
  tokenFile?: string;
}

/** The token from --token-file or $AVIARY_DASHBOARD_TOKEN; refuses a missing or guessable one. */
function actionToken(flags: DashboardFlags, minLength: number): string {
  let token = process.env[TOKEN_ENV];
  if (flags.tokenFile) {
    try {
      token = readFileSync(flags.tokenFile, 'utf8').trim();
    } catch (err) {
      throw new AviaryError('USAGE', `--token-file: ${(err as Error).message}`);
    }
  }
  if (!token) {
    throw new AviaryError(
      'USAGE',
      `--allow-actions needs a token: --token-file <file> or ${TOKEN_ENV} (e.g. openssl rand -hex 24)`,
    );
  }
  if (token.length < minLength) {
    throw new AviaryError(
      'USAGE',
      `the action token is ${token.length} characters; use at least ${minLength}`,
    );
  }
  return token;
}

export function register(program: Command): void {
  program
    .command('dashboard')
    .description('serve a web view of canaries with charts (Kubernetes, or local runs with --state-dir)')
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
    .option('--host <host>', 'listen on this address (reading needs no authentication)', '127.0.0.1')
    .option(
      '--allow-actions',
      `show promote/abort/pause/resume buttons; needs a token (--token-file or ${TOKEN_ENV})`,
    )
    .option('--token-file <file>', 'file holding the token the buttons must send (with --allow-actions)')
    .action(async (flags: DashboardFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new AviaryError('USAGE', `--port: "${flags.port}" is not a port number (0-65535)`);
      }
      if (flags.stateDir && (flags.kubeconfig || flags.namespace)) {
        throw new AviaryError('USAGE', '--state-dir shows local runs; drop --kubeconfig and --namespace');
      }
      if (flags.tokenFile && !flags.allowActions) {
        throw new AviaryError('USAGE', '--token-file is for --allow-actions; add it, or drop the token');
      }
      const [
        { kubeSource, localSource, startDashboard, MIN_TOKEN_LENGTH },
        { loadKubeConfig, makeClients },
        intents,
      ] = await Promise.all([
        import('../../dashboard/index.js'),
        import('../../kube/client.js'),
        import('../../intents/index.js'),
      ]);
      const token = flags.allowActions ? actionToken(flags, MIN_TOKEN_LENGTH) : undefined;
      const clients = flags.stateDir
        ? undefined
        : makeClients(loadKubeConfig(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}));
      const source = clients
        ? kubeSource({ clients, ...(flags.namespace ? { namespace: flags.namespace } : {}) })
        : localSource(flags.stateDir!);
      const actions = token
        ? {
            token,
            intents: clients ? intents.kubeIntents({ clients }) : intents.localIntents(flags.stateDir!),
          }
        : undefined;
      const dashboard = await startDashboard({
        source,
        port,
        host: flags.host,
        ...(actions ? { actions } : {}),
      });
      process.stdout.write(
        `aviary dashboard: ${dashboard.url} (${source.description}${actions ? ', actions on' : ', read-only'}); Ctrl-C stops it\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => void dashboard.close().then(resolve, resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
