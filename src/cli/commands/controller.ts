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

export interface ControllerFlags {
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
  slackProxyUrl?: string;
  includeLabelPrefix?: string;
  selectorLabels?: string;
  ingressAnnotationsPrefix?: string;
  ingressClass?: string;
  enableConfigTracking: boolean;
  clusterName?: string;
  /** false with --no-cross-namespace-refs (commander's negatable flag). */
  crossNamespaceRefs: boolean;
  kubeconfigQps?: number;
  kubeconfigBurst?: number;
}

/** A comma-separated list flag (Flagger's spelling), empty items dropped. */
const list = (text: string | undefined) =>
  text === undefined ? undefined : text.split(',').map((s) => s.trim());

function positiveInteger(flag: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0)
      throw new AviaryError('USAGE', `${flag}: "${text}" is not a positive whole number`);
    return n;
  };
}

function bool(flag: string) {
  return (text: string): boolean => {
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw new AviaryError('USAGE', `${flag}: "${text}" is not true or false`);
  };
}

/** Flags that fall back to an environment variable (the chart sets them so); the help names the variable. */
const ENV_FLAGS: readonly (readonly [flags: string, description: string, env: string, fallback?: string])[] =
  [
    ['--namespace <ns>', 'watch only this namespace (default: all)', 'WATCH_NAMESPACE', ''],
    ['--metrics-addr <host:port>', 'serve /metrics and /healthz here', 'METRICS_ADDR', ':8080'],
    ['--metrics-server <url>', 'Prometheus for builtin metrics', 'METRICS_SERVER', 'http://prometheus:9090'],
    ['--mesh-provider <name>', 'provider for Canaries without spec.provider', 'MESH_PROVIDER', 'istio'],
    ['--log-level <level>', 'debug, info, warn or error', 'LOG_LEVEL', 'info'],
    [
      '--leader-election-namespace <ns>',
      'namespace of the Lease',
      'LEADER_ELECTION_NAMESPACE',
      'aviary-system',
    ],
    ['--leader-election-id <name>', 'name of the Lease', 'LEADER_ELECTION_ID', 'aviary-controller'],
    [
      '--leader-election-lease-duration <duration>',
      'how long a dead leader keeps the Lease before another replica takes over (default 15s; renewals every 2/15 of it)',
      'LEADER_ELECTION_LEASE_DURATION',
    ],
    ['--slack-url <url>', 'Slack webhook for canaries without alerts', 'SLACK_URL'],
    ['--slack-channel <name>', 'Slack channel', 'SLACK_CHANNEL'],
    ['--slack-user <name>', 'Slack user name', 'SLACK_USER'],
    [
      '--event-webhook <url>',
      'post every event of canaries without an event webhook here',
      'EVENT_WEBHOOK_URL',
    ],
    ['--msteams-url <url>', 'MS Teams webhook for canaries without alerts', 'MSTEAMS_URL'],
    ['--slack-proxy-url <url>', 'HTTP proxy for the Slack webhook of --slack-url', 'SLACK_PROXY_URL'],
    ['--cluster-name <name>', 'shown as the Cluster field in every alert', 'CLUSTER_NAME'],
  ];

export function register(program: Command): void {
  const command = program.command('controller');
  for (const [flags, description, env, fallback] of ENV_FLAGS) {
    command.option(flags, `${description} [env ${env}]`, process.env[env] ?? fallback);
  }
  command
    .description('run the Kubernetes operator: watch Canaries and drive their releases')
    .option(
      '--kubeconfig <file>',
      'kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)',
    )
    .option(
      '--leader-election',
      'only the replica holding the Lease drives canaries',
      process.env.LEADER_ELECTION === 'true',
    )
    .option(
      '--min-interval <duration>',
      'floor of analysis intervals (Flagger: 10s); lower only for tests',
      process.env.MIN_INTERVAL,
    )
    .option(
      '--include-label-prefix <prefixes>',
      'comma-separated prefixes of the target labels copied onto the primary; * for all (default: all)',
    )
    .option(
      '--selector-labels <labels>',
      'comma-separated pod labels the selector is found by, in order',
      'app,name,app.kubernetes.io/name',
    )
    .option(
      '--ingress-annotations-prefix <prefix>',
      'annotation prefix of the NGINX ingress controller',
      'nginx.ingress.kubernetes.io',
    )
    .option('--ingress-class <name>', 'ingress class written on Contour HTTPProxy objects')
    .option(
      '--enable-config-tracking [bool]',
      'track and copy the ConfigMaps and Secrets the pods use (true or false)',
      bool('--enable-config-tracking'),
      true,
    )
    .option(
      '--no-cross-namespace-refs',
      'refuse MetricTemplates and AlertProviders from another namespace than the Canary',
    )
    .option(
      '--kubeconfig-qps <n>',
      'Kubernetes API requests per second, at most (default: unlimited; Flagger: 100)',
      positiveInteger('--kubeconfig-qps'),
    )
    .option(
      '--kubeconfig-burst <n>',
      'Kubernetes API requests allowed at once above the rate (default: qps; Flagger: 250)',
      positiveInteger('--kubeconfig-burst'),
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
        import('../../logging.js'),
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
      const kubeConfig = loadKubeConfig(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {});
      if (flags.kubeconfigQps !== undefined) {
        const { limitRequests } = await import('../../kube/rate-limit.js');
        limitRequests(kubeConfig, {
          qps: flags.kubeconfigQps,
          burst: flags.kubeconfigBurst ?? flags.kubeconfigQps,
        });
      } else if (flags.kubeconfigBurst !== undefined) {
        throw new AviaryError(
          'USAGE',
          '--kubeconfig-burst needs --kubeconfig-qps (the rate it bursts above)',
        );
      }
      const clients = makeClients(kubeConfig);
      const fallbackAlerts = flags.msteamsUrl
        ? { spec: { type: 'msteams' as const, address: flags.msteamsUrl } }
        : flags.slackUrl
          ? {
              spec: {
                type: 'slack' as const,
                address: flags.slackUrl,
                ...(flags.slackChannel ? { channel: flags.slackChannel } : {}),
                ...(flags.slackUser ? { username: flags.slackUser } : {}),
                ...(flags.slackProxyUrl ? { proxy: flags.slackProxyUrl } : {}),
              },
            }
          : undefined;
      const portsFactory = (reading: typeof clients) =>
        kubePortsFactory({
          clients: reading,
          metricsServer: flags.metricsServer,
          meshProvider,
          log,
          alertLog: log,
          ...(fallbackAlerts ? { fallbackAlerts } : {}),
          ...controllerSettings(flags),
        });
      const engineOptions = {
        compareWithPrimary: compareWithPrimaryRunner.run,
        ...(flags.eventWebhook ? { eventWebhook: flags.eventWebhook } : {}),
        ...(minimumIntervalMs === undefined ? {} : { minimumIntervalMs }),
      };
      const controller = await startController({
        clients,
        meshProvider,
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
        portsFactory,
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

/** The flags Flagger users set, as the controller's options (Flagger's names and meanings). */
export function controllerSettings(flags: ControllerFlags) {
  const selectorLabels = list(flags.selectorLabels)?.filter(Boolean);
  if (selectorLabels?.length === 0)
    throw new AviaryError('USAGE', '--selector-labels: name at least one label, e.g. app');
  const includeLabelPrefixes = list(flags.includeLabelPrefix);
  return {
    routerSettings: {
      ...(flags.ingressAnnotationsPrefix ? { ingressAnnotationsPrefix: flags.ingressAnnotationsPrefix } : {}),
      ...(flags.ingressClass ? { ingressClass: flags.ingressClass } : {}),
      ...(selectorLabels ? { selectorLabels } : {}),
    },
    target: {
      configTracking: flags.enableConfigTracking,
      ...(selectorLabels ? { selectorLabels } : {}),
      ...(includeLabelPrefixes ? { includeLabelPrefixes } : {}),
    },
    ...(flags.clusterName ? { clusterName: flags.clusterName } : {}),
    noCrossNamespaceRefs: !flags.crossNamespaceRefs,
  };
}
