/**
 * Real Knative Serving (knative.dev/serving v0.49.1, built from the Go module proxy by
 * scripts/build-components.sh, scripts/components/knative-serving) on the dev cluster, as host
 * processes with the admin kubeconfig: its webhook, and per test namespace its controller and its
 * HPA-class autoscaler confined to that namespace (which is also their system namespace, holding
 * Serving's ConfigMaps: test/fixtures/knative-serving). Serving's reconcilers create each Knative
 * Service's Configuration, Revisions, Route and KIngress, the Revisions' Deployments, PodAutoscalers and
 * ServerlessServices, and set their status; KWOK runs the pods. No networking layer runs (Kourier and
 * Istio need Envoy), so a KIngress is never made ready and a Service never becomes Ready as a whole;
 * its Revisions do.
 *
 * Confined controllers leave the Knative objects other tests write by hand alone, and two test files
 * never share one. Each webhook process adds its own EndpointSlice to the webhook Service; the webhook
 * configurations send it only the namespaces given to startKnativeServing (labelled WEBHOOK_LABEL).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../cluster/install.js';
import type { TestCluster } from '../cluster/index.js';
import { freePort } from '../../src/local/free-port.js';

const run = promisify(execFile);

/** The version scripts/components/knative-serving/go.mod pins. */
export const SERVING_VERSION = 'v0.49.1';
export const SYSTEM_NAMESPACE = 'knative-serving';
/** The label that sends a namespace's Knative objects to the webhook (serving.yaml). */
export const WEBHOOK_LABEL = 'aviary.dev/knative-serving';
const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/knative-serving');
const BINARIES = ['knative-controller', 'knative-webhook', 'knative-hpa-autoscaler'] as const;

let binDir: Promise<string> | undefined;

/**
 * Every Serving process still running. A test worker that ends without stop() (an afterAll hook timed
 * out) would leave them running against namespaces that are gone: it takes them with it.
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * The bin directory of the pinned build (`AVIARY_COMPONENTS=knative-serving
 * scripts/build-components.sh`: seconds when cached). A failed build fails the caller; nothing skips.
 */
export function servingBinaries(): Promise<string> {
  binDir ??= run('bash', [path.join(REPO_ROOT, 'scripts/build-components.sh')], {
    env: { ...process.env, AVIARY_COMPONENTS: 'knative-serving' },
    timeout: 30 * 60_000,
    maxBuffer: 4 * 1024 * 1024,
  }).then(
    ({ stdout }) => {
      const dir = stdout.trim();
      const missing = BINARIES.filter((b) => !existsSync(path.join(dir, b)));
      if (missing.length)
        throw new Error(`scripts/build-components.sh printed ${dir}, no ${missing.join(', ')} there`);
      return dir;
    },
    (err: { stderr?: string; message: string }) => {
      throw new Error(
        `building Knative Serving (AVIARY_COMPONENTS=knative-serving bash scripts/build-components.sh) failed: ${err.stderr?.slice(-3000) ?? err.message}`,
      );
    },
  );
  return binDir;
}

/** The host's first non-loopback IPv4 address: an EndpointSlice may not hold a loopback one. */
function hostAddress(): string {
  const address = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  if (!address) throw new Error('this host has no non-loopback IPv4 address for the Knative webhook');
  return address;
}

export interface KnativeServing {
  /** The last lines of each process's log, for a failing test's message. */
  tail(lines?: number): string;
  stop(): Promise<void>;
}

interface Started {
  name: string;
  child: ChildProcess;
  log: string;
  exited: Promise<number | null>;
}

async function apply(cluster: TestCluster, file: string, namespace?: string): Promise<void> {
  const applied = await cluster.kubectl(
    [
      'apply',
      '--server-side',
      '--force-conflicts',
      '--field-manager=aviary-tests',
      ...(namespace ? ['-n', namespace] : []),
      '-f',
      path.join(FIXTURES, file),
    ],
    { timeoutMs: 120_000 },
  );
  if (applied.code !== 0)
    throw new Error(`applying ${file}${namespace ? ` in ${namespace}` : ''}: ${applied.stderr}`);
}

/**
 * Serving's webhook (one process, its EndpointSlice) and, for each of `namespaces`, a controller and
 * an HPA autoscaler confined to it, its system namespace. Each namespace is labelled for the webhook
 * and given Serving's ConfigMaps. Resolves once the webhook defaults a Service.
 */
export async function startKnativeServing(
  cluster: TestCluster,
  namespaces: string[],
): Promise<KnativeServing> {
  const [probeIn] = namespaces;
  if (!probeIn) throw new Error('startKnativeServing: no namespace to run Serving in');
  const bin = await servingBinaries();
  await apply(cluster, 'webhook.yaml');
  await apply(cluster, 'system.yaml', SYSTEM_NAMESPACE);
  for (const namespace of namespaces) {
    await apply(cluster, 'system.yaml', namespace);
    const labelled = await cluster.kubectl([
      'label',
      '--overwrite',
      'namespace',
      namespace,
      `${WEBHOOK_LABEL}=true`,
    ]);
    if (labelled.code !== 0) throw new Error(`labelling ${namespace}: ${labelled.stderr}`);
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), 'aviary-knative-'));
  const identity = `aviary-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const webhookPort = await freePort();
  const started: Started[] = [];
  const start = async (
    name: (typeof BINARIES)[number],
    namespace: string,
    env: Record<string, string> = {},
  ) => {
    const log = path.join(dir, `${name}.${namespace}.log`);
    const out = createWriteStream(log);
    const child = spawn(path.join(bin, name), [`--kubeconfig=${cluster.kubeconfig}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        SYSTEM_NAMESPACE: namespace,
        // the leader-election identity: two processes with one name would both think they lead
        POD_NAME: `${identity}-${name}`,
        // Knative's profiling server listens even when profiling is off, by default on :8008
        PROFILING_PORT: String(await freePort()),
        ...env,
      },
    });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    running.add(child);
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        running.delete(child);
        resolve(code);
      }),
    );
    started.push({ name: `${name} (${namespace})`, child, log, exited });
  };
  await start('knative-webhook', SYSTEM_NAMESPACE, {
    WEBHOOK_NAME: 'webhook',
    WEBHOOK_PORT: String(webhookPort),
  });
  for (const namespace of namespaces) {
    await start('knative-controller', namespace, { KNATIVE_WATCH_NAMESPACE: namespace });
    await start('knative-hpa-autoscaler', namespace, { KNATIVE_WATCH_NAMESPACE: namespace });
  }

  const slice = `webhook-${identity}`;
  const tail = (lines = 30) =>
    started
      .map(({ name, child, log }) => {
        const text = existsSync(log) ? readFileSync(log, 'utf8').trimEnd().split('\n') : [];
        const state = child.exitCode === null ? `pid ${child.pid ?? '?'}` : `exited ${child.exitCode}`;
        return [
          `--- ${name} ${SERVING_VERSION} (${state}), last ${lines} lines ---`,
          ...text.slice(-lines),
        ].join('\n');
      })
      .join('\n');
  const stop = async () => {
    await Promise.all(
      started.map(async ({ child, exited }) => {
        if (child.exitCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await cluster.kubectl(['delete', 'endpointslice', '-n', SYSTEM_NAMESPACE, slice, '--ignore-not-found']);
  };

  const endpoints = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: slice,
      namespace: SYSTEM_NAMESPACE,
      labels: {
        'kubernetes.io/service-name': 'webhook',
        'endpointslice.kubernetes.io/managed-by': 'aviary-tests',
      },
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: [hostAddress()], conditions: { ready: true } }],
    ports: [{ name: 'https-webhook', port: webhookPort, protocol: 'TCP' }],
  };
  await removeDeadWebhookSlices(cluster);
  const sliced = await cluster.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(endpoints) });
  if (sliced.code !== 0) {
    await stop();
    throw new Error(`the Knative webhook's EndpointSlice: ${sliced.stderr}`);
  }
  try {
    await untilWebhookDefaults(cluster, started, probeIn);
  } catch (err) {
    const why = `${(err as Error).message}\n${tail()}`;
    await stop();
    throw new Error(why, { cause: err });
  }
  return { tail, stop };
}

/**
 * Deletes the EndpointSlices of webhook processes whose test process is gone (killed before it could
 * clean up): the API server would otherwise send some admission requests to a port nobody serves.
 */
async function removeDeadWebhookSlices(cluster: TestCluster): Promise<void> {
  const listed = await cluster.kubectl([
    'get',
    'endpointslices',
    '-n',
    SYSTEM_NAMESPACE,
    '-l',
    'endpointslice.kubernetes.io/managed-by=aviary-tests',
    '-o',
    'name',
  ]);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const dead = listed.stdout.split('\n').filter((name) => {
    const pid = /webhook-aviary-test-(\d+)-/.exec(name)?.[1];
    return pid !== undefined && !alive(Number(pid));
  });
  if (dead.length) await cluster.kubectl(['delete', '-n', SYSTEM_NAMESPACE, '--ignore-not-found', ...dead]);
}

/**
 * Until a server-side dry run of a Knative Service comes back defaulted by the webhook (its container
 * named `user-container`): the webhook has made its certificate, written its configurations and is
 * reachable from the API server. Three minutes on a loaded machine, then the processes' logs.
 */
async function untilWebhookDefaults(
  cluster: TestCluster,
  started: Started[],
  namespace: string,
): Promise<void> {
  const probe = {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'webhook-probe', namespace },
    spec: { template: { spec: { containers: [{ image: 'ghcr.io/stefanprodan/podinfo:6.0.0' }] } } },
  };
  const deadline = Date.now() + 180_000;
  for (;;) {
    const dead = started.find((s) => s.child.exitCode !== null);
    if (dead) throw new Error(`Knative's ${dead.name} exited (${dead.child.exitCode})`);
    const result = await cluster.kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], {
      stdin: JSON.stringify(probe),
    });
    if (result.code === 0) {
      const [container] = (JSON.parse(result.stdout) as typeof probe).spec.template.spec.containers as {
        name?: string;
      }[];
      if (container?.name === 'user-container') return;
    }
    if (Date.now() > deadline) {
      const last = result.code === 0 ? 'the Service came back undefaulted' : result.stderr.trim();
      throw new Error(`Knative's webhook never defaulted a Service in 180 s: ${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
