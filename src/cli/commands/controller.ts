/**
 * `aviary controller`: the Kubernetes operator. Flags follow Flagger's where they exist
 * (-metrics-server, -mesh-provider, -slack-url, ...); each also reads an environment variable.
 * The controller, the engine and the Kubernetes client are imported by the action, not here, so that
 * `aviary --help` does not load them.
 */
import { hostname } from 'node:os';
import type { Command } from 'commander';
import type { Provider } from '../../api/types.js';
import { AviaryError } from '../../errors.js';

interface ControllerFlags {
  kubeconfig?: string;
  namespace: string;
  metricsAddr: string;
  metricsServer: string;
  meshProvider: string;
  logLevel: string;
  leaderElection: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  leaderElectionLeaseDuration?: string;
  minInterval?: string;
  slackUrl?: string;
  slackChannel?: string;
  slackUser?: string;
  msteamsUrl?: string;
  eventWebhook?: string;
}

export function register(program: Command): void {
  program
    .command('controller')
    .description('run the Kubernetes operator: watch Canaries and drive their releases')
    .option(
      '--kubeconfig <file>',
      'kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)',
    )
    .option(
      '--namespace <ns>',
      'watch only this namespace (default: all) [env WATCH_NAMESPACE]',
      process.env.WATCH_NAMESPACE ?? '',
    )
    .option(
      '--metrics-addr <host:port>',
      'serve /metrics and /healthz here [env METRICS_ADDR]',
      process.env.METRICS_ADDR ?? ':8080',
    )
    .option(
      '--metrics-server <url>',
      'Prometheus for builtin metrics [env METRICS_SERVER]',
      process.env.METRICS_SERVER ?? 'http://prometheus:9090',
    )
    .option(
      '--mesh-provider <name>',
      'provider for Canaries without spec.provider [env MESH_PROVIDER]',
      process.env.MESH_PROVIDER ?? 'istio',
    )
    .option(
      '--log-level <level>',
      'debug, info, warn or error [env LOG_LEVEL]',
      process.env.LOG_LEVEL ?? 'info',
    )
    .option(
      '--leader-election',
      'only the replica holding the Lease drives canaries',
      process.env.LEADER_ELECTION === 'true',
    )
    .option(
      '--leader-election-namespace <ns>',
      'namespace of the Lease [env LEADER_ELECTION_NAMESPACE]',
      process.env.LEADER_ELECTION_NAMESPACE ?? 'aviary-system',
    )
    .option(
      '--leader-election-id <name>',
      'name of the Lease [env LEADER_ELECTION_ID]',
      process.env.LEADER_ELECTION_ID ?? 'aviary-controller',
    )
    .option(
      '--leader-election-lease-duration <duration>',
      'how long a dead leader keeps the Lease before another replica takes over (default 15s; renewals every 2/15 of it) [env LEADER_ELECTION_LEASE_DURATION]',
      process.env.LEADER_ELECTION_LEASE_DURATION,
    )
    .option(
      '--min-interval <duration>',
      'floor of analysis intervals (Flagger: 10s); lower only for tests',
      process.env.MIN_INTERVAL,
    )
    .option(
      '--slack-url <url>',
      'Slack webhook for canaries without alerts [env SLACK_URL]',
      process.env.SLACK_URL,
    )
    .option('--slack-channel <name>', 'Slack channel [env SLACK_CHANNEL]', process.env.SLACK_CHANNEL)
    .option('--slack-user <name>', 'Slack user name [env SLACK_USER]', process.env.SLACK_USER)
    .option(
      '--event-webhook <url>',
      'post every event of canaries without an event webhook here [env EVENT_WEBHOOK_URL]',
      process.env.EVENT_WEBHOOK_URL,
    )
    .option(
      '--msteams-url <url>',
      'MS Teams webhook for canaries without alerts [env MSTEAMS_URL]',
      process.env.MSTEAMS_URL,
    )
    .action(async (flags: ControllerFlags) => {
      const [
        { pino },
        { parseDuration },
        { PROVIDERS },
        { compareWithPrimaryRunner },
        { startController },
        { kubePortsFactory },
        { reconcile },
        { loadKubeConfig, makeClients },
      ] = await Promise.all([
        import('pino'),
        import('../../api/duration.js'),
        import('../../api/schema/index.js'),
        import('../../analysis/compare-with-primary.js'),
        import('../../controller/controller.js'),
        import('../../controller/kube-ports.js'),
        import('../../engine/index.js'),
        import('../../kube/client.js'),
      ]);
      const log = pino({ level: flags.logLevel, base: { component: 'aviary-controller' } });
      const meshProvider = flags.meshProvider as Provider;
      if (!(PROVIDERS as readonly string[]).includes(meshProvider)) {
        throw new AviaryError(
          'USAGE',
          `--mesh-provider: "${flags.meshProvider}" is not one of ${PROVIDERS.join(', ')}`,
        );
      }
      const minimumIntervalMs =
        flags.minInterval === undefined ? undefined : parseDuration(flags.minInterval);
      if (flags.minInterval !== undefined && minimumIntervalMs === undefined) {
        throw new AviaryError(
          'USAGE',
          `--min-interval: "${flags.minInterval}" is not a duration such as 1s or 10s`,
        );
      }
      const leaseMs =
        flags.leaderElectionLeaseDuration === undefined
          ? undefined
          : parseDuration(flags.leaderElectionLeaseDuration);
      if (flags.leaderElectionLeaseDuration !== undefined && (leaseMs === undefined || leaseMs < 1000)) {
        throw new AviaryError(
          'USAGE',
          `--leader-election-lease-duration: "${flags.leaderElectionLeaseDuration}" is not a duration of at least 1s`,
        );
      }
      const clients = makeClients(loadKubeConfig(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}));
      const fallbackAlerts = flags.msteamsUrl
        ? { spec: { type: 'msteams' as const, address: flags.msteamsUrl } }
        : flags.slackUrl
          ? {
              spec: {
                type: 'slack' as const,
                address: flags.slackUrl,
                ...(flags.slackChannel ? { channel: flags.slackChannel } : {}),
                ...(flags.slackUser ? { username: flags.slackUser } : {}),
              },
            }
          : undefined;
      const portsFor = kubePortsFactory({
        clients,
        metricsServer: flags.metricsServer,
        meshProvider,
        log,
        ...(fallbackAlerts ? { fallbackAlerts } : {}),
      });
      const engineOptions = {
        compareWithPrimary: compareWithPrimaryRunner.run,
        ...(flags.eventWebhook ? { eventWebhook: flags.eventWebhook } : {}),
        ...(minimumIntervalMs === undefined ? {} : { minimumIntervalMs }),
      };
      const controller = await startController({
        clients,
        namespace: flags.namespace,
        metricsAddress: flags.metricsAddr,
        ...(flags.leaderElection
          ? {
              leaderElection: {
                namespace: flags.leaderElectionNamespace,
                name: flags.leaderElectionId,
                identity: process.env.POD_NAME ?? `${hostname()}-${process.pid}`,
                // client-go's proportions (15 s lease, 2 s retry): a shorter lease renews more often.
                ...(leaseMs === undefined
                  ? {}
                  : {
                      leaseDurationSeconds: Math.ceil(leaseMs / 1000),
                      retryPeriodMs: Math.max(100, Math.round((leaseMs * 2) / 15)),
                    }),
              },
            }
          : {}),
        ...(minimumIntervalMs === undefined ? {} : { minimumIntervalMs }),
        log,
        portsFor,
        reconcile: (canary, ports) => reconcile(canary, ports, engineOptions),
      });
      const address = controller.server?.address();
      log.info(
        {
          namespace: flags.namespace || '(all)',
          metrics:
            typeof address === 'object' && address ? `${address.address}:${address.port}` : flags.metricsAddr,
        },
        'controller started',
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          log.info('shutting down');
          void controller.stop().then(resolve, resolve);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
