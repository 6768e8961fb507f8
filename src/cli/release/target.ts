/**
 * Where the verbs (get, status, watch, promote, ...) find canaries: the Kubernetes API through a
 * kubeconfig, with kubectl's flags and defaults (the context's namespace, else "default"), or, with
 * --state-dir, the state directory of an `aviary run` on this machine.
 */
import type { Command } from 'commander';
import { AviaryError } from '../../errors.js';

export interface TargetFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  stateDir?: string;
  requestTimeout: string;
}

export type Target =
  | {
      kind: 'kube';
      namespace: string;
      timeoutMs: number;
      clients: import('../../kube/client.js').KubeClients;
    }
  | { kind: 'local'; stateDir: string };

export function addTargetFlags(command: Command): Command {
  return command
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use (default: its current context)')
    .option('-n, --namespace <ns>', "namespace (default: the context's namespace, else default)")
    .option('--state-dir <dir>', 'a local release: the --state-dir of its aviary run, instead of Kubernetes')
    .option('--request-timeout <seconds>', 'deadline of each API call', '10');
}

export async function openTarget(flags: TargetFlags): Promise<Target> {
  if (flags.stateDir !== undefined) {
    if (flags.kubeconfig || flags.context || flags.namespace) {
      throw new AviaryError(
        'USAGE',
        '--state-dir names a local release; drop --kubeconfig, --context and --namespace, or drop --state-dir',
      );
    }
    return { kind: 'local', stateDir: flags.stateDir };
  }
  const seconds = Number(flags.requestTimeout);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
    throw new AviaryError(
      'USAGE',
      `--request-timeout: "${flags.requestTimeout}" must be seconds between 0 and 600`,
    );
  }
  const { loadKubeConfig, makeClients } = await import('../../kube/client.js');
  let config;
  try {
    config = loadKubeConfig({
      ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
      ...(flags.context ? { context: flags.context } : {}),
    });
  } catch (err) {
    throw new AviaryError(
      'USAGE',
      `reading the kubeconfig: ${(err as Error).message} — pass --kubeconfig or set KUBECONFIG`,
    );
  }
  if (flags.context && !config.getContextObject(flags.context)) {
    throw new AviaryError('USAGE', `--context: no context "${flags.context}" in the kubeconfig`);
  }
  const namespace =
    flags.namespace ?? config.getContextObject(config.getCurrentContext())?.namespace ?? 'default';
  return { kind: 'kube', namespace, timeoutMs: seconds * 1000, clients: makeClients(config) };
}
