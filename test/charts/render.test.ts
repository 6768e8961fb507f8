/**
 * `helm lint` and `helm template` of charts/aviary and charts/loadtester: what a user's values turn
 * into, and that every flag the Deployments pass is one `aviary controller` / `aviary loadtester` has.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AVIARY_CHART,
  LOADTESTER_CHART,
  commandOptions,
  containerOf,
  find,
  helm,
  kinds,
  render,
  unknownFlags,
  type CommandOptions,
  type Deployment,
  type K8sObject,
} from './helm.js';

let controller: CommandOptions;
let loadtester: CommandOptions;

beforeAll(async () => {
  [controller, loadtester] = await Promise.all([commandOptions('controller'), commandOptions('loadtester')]);
});

/** Every value that changes the controller's args, set. */
const everyControllerValue = {
  logLevel: 'debug',
  meshProvider: 'gatewayapi:v1',
  metricsServer: 'http://prometheus.monitoring:9090',
  namespace: 'apps',
  leaderElection: { enabled: true, replicaCount: 3, leaseDuration: '30s' },
  slack: { url: 'https://hooks.slack.com/services/T/B/x', channel: 'releases', user: 'aviary-bot' },
  msteams: { url: 'https://example.webhook.office.com/x' },
  eventWebhook: 'https://events.example.com/aviary',
};

describe('helm lint', () => {
  it.each([
    ['charts/aviary', AVIARY_CHART],
    ['charts/loadtester', LOADTESTER_CHART],
  ])('%s passes helm lint --strict', async (_name, chart) => {
    const out = await helm(['lint', '--strict', chart]);
    expect(out).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(out).not.toMatch(/\[(WARNING|ERROR)\]/);
  });
});

describe('charts/aviary rendered', () => {
  it('renders the ServiceAccount, least-privilege RBAC, Service and Deployment by default', async () => {
    const objects = await render(AVIARY_CHART, {}, { release: 'aviary' });
    expect(kinds(objects)).toEqual([
      'ClusterRole/aviary',
      'ClusterRoleBinding/aviary',
      'Deployment/aviary',
      'Service/aviary',
      'ServiceAccount/aviary',
    ]);
    // CRDs come from crds/, which helm template prints only with --include-crds.
    const withCrds = await render(AVIARY_CHART, {}, { extraArgs: ['--include-crds'] });
    expect(kinds(withCrds).filter((k) => k.startsWith('CustomResourceDefinition/'))).toEqual([
      'CustomResourceDefinition/alertproviders.aviary.dev',
      'CustomResourceDefinition/canaries.aviary.dev',
      'CustomResourceDefinition/metrictemplates.aviary.dev',
    ]);
  });

  it('runs `aviary controller` with only flags the command has, whatever the values', async () => {
    for (const values of [{}, everyControllerValue]) {
      const container = containerOf(find<Deployment>(await render(AVIARY_CHART, values), 'Deployment'));
      const [command, ...flags] = container.args ?? [];
      expect(command).toBe('controller');
      expect(unknownFlags(flags, controller)).toEqual([]);
      for (const { name } of container.env ?? []) {
        // POD_NAME is the leader's identity (read by the controller, not an option).
        if (name !== 'POD_NAME') expect(controller.env, `env ${name}`).toContain(name);
      }
    }
  });

  it('passes the mesh provider, Prometheus, the watched namespace and the log level', async () => {
    const args = containerOf(
      find<Deployment>(await render(AVIARY_CHART, everyControllerValue), 'Deployment'),
    ).args;
    expect(args).toEqual(
      expect.arrayContaining([
        '--mesh-provider=gatewayapi:v1',
        '--metrics-server=http://prometheus.monitoring:9090',
        '--namespace=apps',
        '--log-level=debug',
        '--slack-channel=releases',
        '--slack-user=aviary-bot',
      ]),
    );
    const defaults = containerOf(find<Deployment>(await render(AVIARY_CHART), 'Deployment')).args ?? [];
    expect(defaults.some((a) => a.startsWith('--namespace'))).toBe(false);
  });

  it('elects a leader when more than one replica runs, and only then grants the Lease', async () => {
    const one = await render(AVIARY_CHART, {}, { release: 'aviary', namespace: 'ops' });
    const oneDeployment = find<Deployment>(one, 'Deployment');
    expect(oneDeployment.spec.replicas).toBe(1);
    expect(containerOf(oneDeployment).args).not.toContain('--leader-election');
    // Without a leader, two controllers must not overlap during a rollout.
    expect(oneDeployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(one.some((o) => o.kind === 'Role')).toBe(false);

    const two = await render(
      AVIARY_CHART,
      { leaderElection: { replicaCount: 2 } },
      { release: 'aviary', namespace: 'ops' },
    );
    const twoDeployment = find<Deployment>(two, 'Deployment');
    expect(twoDeployment.spec.replicas).toBe(2);
    expect(twoDeployment.spec.strategy).toBeUndefined();
    expect(containerOf(twoDeployment).args).toEqual(
      expect.arrayContaining([
        '--leader-election',
        '--leader-election-namespace=ops',
        '--leader-election-id=aviary',
      ]),
    );
    const role = find(two, 'Role', 'aviary-leader-election');
    expect(role.metadata.namespace).toBe('ops');
    const binding = find(two, 'RoleBinding', 'aviary-leader-election') as K8sObject & {
      subjects: { name: string; namespace: string }[];
    };
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'aviary', namespace: 'ops' }]);

    // Asked for with one replica (e.g. to keep the Lease during a scale-up): on as well.
    const asked = find<Deployment>(
      await render(AVIARY_CHART, { leaderElection: { enabled: true } }),
      'Deployment',
    );
    expect(containerOf(asked).args).toContain('--leader-election');
  });

  it('hardens the pod: non-root, read-only root filesystem, no privilege escalation, no capabilities', async () => {
    const deployment = find<Deployment>(await render(AVIARY_CHART), 'Deployment');
    expect(deployment.spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(containerOf(deployment).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    const off = find<Deployment>(
      await render(AVIARY_CHART, { securityContext: { enabled: false } }),
      'Deployment',
    );
    expect(containerOf(off).securityContext).toBeUndefined();
  });

  it('places and sizes the pod as asked', async () => {
    const deployment = find<Deployment>(
      await render(AVIARY_CHART, {
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ops', effect: 'NoSchedule' }],
        affinity: {
          nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
        },
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '1Gi' } },
        podLabels: { team: 'platform' },
        podPriorityClassName: 'system-cluster-critical',
      }),
      'Deployment',
    );
    const pod = deployment.spec.template.spec as Deployment['spec']['template']['spec'] & {
      priorityClassName?: string;
    };
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.tolerations).toEqual([
      { key: 'dedicated', operator: 'Equal', value: 'ops', effect: 'NoSchedule' },
    ]);
    // Helm merges maps with the defaults: the default anti-affinity stays unless set to null.
    expect(pod.affinity).toMatchObject({
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
    });
    expect(pod.priorityClassName).toBe('system-cluster-critical');
    expect(containerOf(deployment).resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { memory: '1Gi' },
    });
    expect(deployment.spec.template.metadata.labels).toMatchObject({ team: 'platform' });

    // The default affinity spreads replicas over nodes, templated with the release's labels.
    const spread = find<Deployment>(await render(AVIARY_CHART, {}, { release: 'ctl' }), 'Deployment');
    expect(JSON.stringify(spread.spec.template.spec.affinity)).toContain(
      '"matchLabels":{"app.kubernetes.io/instance":"ctl","app.kubernetes.io/name":"aviary"}',
    );
  });

  it('defaults the image to the chart appVersion, and pins a digest when given', async () => {
    const chart = (await helm(['show', 'chart', AVIARY_CHART]))
      .match(/^appVersion: (.+)$/m)?.[1]
      ?.replace(/'/g, '');
    expect(containerOf(find<Deployment>(await render(AVIARY_CHART), 'Deployment')).image).toBe(
      `ghcr.io/aviary-dev/aviary:${chart}`,
    );
    const digest = `sha256:${'ab'.repeat(32)}`;
    const pinned = await render(AVIARY_CHART, {
      image: { repository: 'registry.example.com/aviary', tag: '9.9.9', digest, pullSecret: 'regcred' },
    });
    const deployment = find<Deployment>(pinned, 'Deployment');
    expect(containerOf(deployment).image).toBe(`registry.example.com/aviary@${digest}`);
    expect((deployment.spec.template.spec as { imagePullSecrets?: unknown }).imagePullSecrets).toEqual([
      { name: 'regcred' },
    ]);
    const tagged = find<Deployment>(await render(AVIARY_CHART, { image: { tag: '9.9.9' } }), 'Deployment');
    expect(containerOf(tagged).image).toBe('ghcr.io/aviary-dev/aviary:9.9.9');
  });

  it('annotates the pod for Prometheus scraping of the port /metrics is served on', async () => {
    const deployment = find<Deployment>(await render(AVIARY_CHART), 'Deployment');
    expect(deployment.spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8080',
    });
    expect(containerOf(deployment).args).toContain('--metrics-addr=:8080');
  });

  it('renders a ServiceMonitor for the Service only when asked', async () => {
    const objects = await render(
      AVIARY_CHART,
      { serviceMonitor: { enabled: true, namespace: 'monitoring', labels: { release: 'kube-prometheus' } } },
      { release: 'aviary', namespace: 'ops' },
    );
    const monitor = find(objects, 'ServiceMonitor') as K8sObject & {
      spec: { endpoints: { port: string; path: string }[]; namespaceSelector: unknown; selector: unknown };
    };
    expect(monitor.metadata.namespace).toBe('monitoring');
    expect(monitor.metadata.labels).toMatchObject({ release: 'kube-prometheus' });
    expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
    expect(monitor.spec.namespaceSelector).toEqual({ matchNames: ['ops'] });
    const service = find(objects, 'Service') as K8sObject & {
      metadata: { labels: Record<string, string> };
      spec: { ports: { name: string }[] };
    };
    expect(monitor.spec.selector).toEqual({ matchLabels: expect.objectContaining({}) });
    for (const [key, value] of Object.entries(
      (monitor.spec.selector as { matchLabels: Record<string, string> }).matchLabels,
    ))
      expect(service.metadata.labels[key]).toBe(value);
    expect(service.spec.ports.map((p) => p.name)).toContain('http');
    expect((await render(AVIARY_CHART)).some((o) => o.kind === 'ServiceMonitor')).toBe(false);
  });

  it('keeps alert URLs in a Secret the controller reads through its env variables', async () => {
    const objects = await render(AVIARY_CHART, everyControllerValue, { release: 'aviary' });
    const secret = find(objects, 'Secret', 'aviary-alerts') as K8sObject & {
      stringData: Record<string, string>;
    };
    expect(secret.stringData).toEqual({
      'slack-url': 'https://hooks.slack.com/services/T/B/x',
      'msteams-url': 'https://example.webhook.office.com/x',
      'event-webhook-url': 'https://events.example.com/aviary',
    });
    const container = containerOf(find<Deployment>(objects, 'Deployment'));
    // Never in the args, where `kubectl get deployment -o yaml` would show them.
    expect((container.args ?? []).join(' ')).not.toContain('hooks.slack.com');
    const fromSecret = (container.env ?? [])
      .filter((e) => e.valueFrom?.secretKeyRef)
      .map((e) => [e.name, e.valueFrom?.secretKeyRef?.name, e.valueFrom?.secretKeyRef?.key]);
    expect(fromSecret.sort()).toEqual([
      ['EVENT_WEBHOOK_URL', 'aviary-alerts', 'event-webhook-url'],
      ['MSTEAMS_URL', 'aviary-alerts', 'msteams-url'],
      ['SLACK_URL', 'aviary-alerts', 'slack-url'],
    ]);

    // An existing Secret (sealed-secrets, external-secrets, ...): no Secret rendered, the same keys read.
    const existing = await render(AVIARY_CHART, { alertsSecret: { name: 'team-alerts' } });
    expect(existing.some((o) => o.kind === 'Secret')).toBe(false);
    const env = containerOf(find<Deployment>(existing, 'Deployment')).env ?? [];
    expect(env.find((e) => e.name === 'SLACK_URL')?.valueFrom?.secretKeyRef).toEqual({
      name: 'team-alerts',
      key: 'slack-url',
      optional: true,
    });

    // No URL anywhere: no Secret and no variables.
    const none = await render(AVIARY_CHART);
    expect(none.some((o) => o.kind === 'Secret')).toBe(false);
    expect((containerOf(find<Deployment>(none, 'Deployment')).env ?? []).map((e) => e.name)).toEqual([
      'POD_NAME',
    ]);

    await expect(
      render(AVIARY_CHART, {
        alertsSecret: { name: 'team-alerts' },
        slack: { url: 'https://hooks.slack.com/x' },
      }),
    ).rejects.toThrow(/alertsSecret.name is set/);
  });

  it('renders the Grafana dashboard ConfigMap for the Grafana sidecar only when asked', async () => {
    const objects = await render(AVIARY_CHART, { grafanaDashboard: { enabled: true, namespace: 'grafana' } });
    const configMap = find(objects, 'ConfigMap') as K8sObject & { data: Record<string, string> };
    expect(configMap.metadata.namespace).toBe('grafana');
    expect(configMap.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(Object.keys(configMap.data)).toEqual(['aviary-dashboard.json']);
    expect((await render(AVIARY_CHART)).some((o) => o.kind === 'ConfigMap')).toBe(false);
  });

  it('uses an existing ServiceAccount and no RBAC when told to', async () => {
    const objects = await render(AVIARY_CHART, {
      serviceAccount: { create: false, name: 'platform-aviary' },
      rbac: { create: false },
    });
    expect(kinds(objects)).toEqual(['Deployment/aviary', 'Service/aviary']);
    expect(find<Deployment>(objects, 'Deployment').spec.template.spec.serviceAccountName).toBe(
      'platform-aviary',
    );
  });

  it('refuses values the chart does not have, naming them, instead of ignoring them', async () => {
    // A generic chart's name for the replicas, a Flagger value with no Aviary counterpart, Flagger's log level.
    await expect(render(AVIARY_CHART, { replicas: 2 })).rejects.toThrow(
      /additional properties 'replicas' not allowed/,
    );
    await expect(render(AVIARY_CHART, { selectorLabels: 'app' })).rejects.toThrow(
      /'selectorLabels' not allowed/,
    );
    await expect(render(AVIARY_CHART, { logLevel: 'warning' })).rejects.toThrow(/logLevel/);
    await expect(render(LOADTESTER_CHART, { cmd: { timout: '5m' } })).rejects.toThrow(/'timout' not allowed/);
    // Kubernetes fields pass through, and Helm's null removes a default.
    const deployment = find<Deployment>(
      await render(AVIARY_CHART, { affinity: { podAntiAffinity: null }, image: { tag: 2 } }),
      'Deployment',
    );
    expect(deployment.spec.template.spec.affinity).toBeUndefined();
    expect(containerOf(deployment).image).toBe('ghcr.io/aviary-dev/aviary:2');
  });

  it('names cluster-scoped objects after the release, so two releases never share one', async () => {
    const objects = await render(AVIARY_CHART, {}, { release: 'team-a' });
    expect(find(objects, 'ClusterRole').metadata.name).toBe('team-a-aviary');
    const binding = find(objects, 'ClusterRoleBinding') as K8sObject & {
      roleRef: { name: string };
      subjects: { name: string; namespace: string }[];
    };
    expect(binding.metadata.name).toBe('team-a-aviary');
    expect(binding.roleRef.name).toBe('team-a-aviary');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'team-a-aviary', namespace: 'aviary-system' },
    ]);
  });
});

describe('charts/loadtester rendered', () => {
  it('runs `aviary loadtester` with only flags the command has, hardened by default', async () => {
    const objects = await render(LOADTESTER_CHART, {}, { release: 'aviary-loadtester', namespace: 'test' });
    expect(kinds(objects)).toEqual(['Deployment/aviary-loadtester', 'Service/aviary-loadtester']);
    const deployment = find<Deployment>(objects, 'Deployment');
    const container = containerOf(deployment);
    const [command, ...flags] = container.args ?? [];
    expect(command).toBe('loadtester');
    expect(unknownFlags(flags, loadtester)).toEqual([]);
    // Only hey and curl, no bash, a cap on background commands.
    expect(flags.some((f) => f.startsWith('--allow-'))).toBe(false);
    expect(flags).toContain('--max-background=8');
    const pod = deployment.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    // The work dir (and TMPDIR) on an emptyDir: the only writable place.
    const workDir = flags.find((f) => f.startsWith('--work-dir='))?.slice('--work-dir='.length) ?? '';
    const mount = (container.volumeMounts ?? []).find((m) => workDir.startsWith(`${m.mountPath}/`));
    expect(mount, `a volume mounted above ${workDir}`).toBeDefined();
    expect(pod.volumes?.find((v) => v.name === mount?.name)?.emptyDir).toEqual({ sizeLimit: '1Gi' });
    expect(container.env).toContainEqual({ name: 'TMPDIR', value: mount?.mountPath });
    // Port 80 like Flagger's loadtester: http://aviary-loadtester.test/ works unchanged.
    const service = find(objects, 'Service') as K8sObject & { spec: { ports: { port: number }[] } };
    expect(service.spec.ports[0]?.port).toBe(80);
    expect(container.image).toMatch(/^ghcr\.io\/aviary-dev\/aviary:\d+\.\d+\.\d+/);
  });

  it('widens what webhooks may run only through the flags the load tester has', async () => {
    const objects = await render(
      LOADTESTER_CHART,
      {
        allowCommands: ['kubectl:-n=,--namespace=,-w', 'helm'],
        allowBash: true,
        maxBackground: 2,
        cmd: { timeout: '10m', namespaceRegexp: '^(test|staging)$' },
        logLevel: 'debug',
        rbac: {
          create: true,
          scope: 'cluster',
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }],
        },
      },
      { release: 'lt', namespace: 'test' },
    );
    const deployment = find<Deployment>(objects, 'Deployment');
    const [, ...flags] = containerOf(deployment).args ?? [];
    expect(unknownFlags(flags, loadtester)).toEqual([]);
    expect(flags).toEqual(
      expect.arrayContaining([
        '--allow-command=kubectl:-n=,--namespace=,-w',
        '--allow-command=helm',
        '--allow-bash',
        '--max-background=2',
        '--timeout=10m',
        '--namespace-regexp=^(test|staging)$',
        '--log-level=debug',
      ]),
    );
    expect(deployment.spec.template.spec.serviceAccountName).toBe('lt-loadtester');
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBeUndefined();
    expect(kinds(objects)).toEqual([
      'ClusterRole/lt-loadtester',
      'ClusterRoleBinding/lt-loadtester',
      'Deployment/lt-loadtester',
      'Service/lt-loadtester',
      'ServiceAccount/lt-loadtester',
    ]);
  });
});
