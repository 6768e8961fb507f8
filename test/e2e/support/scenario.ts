/**
 * One scenario's view of the world: its namespace on the real control plane, its controller process(es),
 * kubectl and client-node reads as the cluster admin, polling with readable timeouts (canary status,
 * events, VirtualService, Deployments and their pods, HPAs and the controller's log tail in the message),
 * and a recorder of the traffic split the VirtualService holds over time.
 */
import type {
  CoreV1Event,
  V1Deployment,
  V1Lease,
  V1Pod,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { plain, type KubeClients } from '../../../src/kube/client.js';
import type { KubeObject } from '../../cluster/objects.js';
import {
  spawnController,
  type ControllerProcess,
  type ControllerProcessOptions,
} from './controller-process.js';
import type { World } from './world.js';

export interface CanaryStatusView {
  phase?: string;
  canaryWeight?: number;
  iterations?: number;
  failedChecks?: number;
  failureReason?: string;
  lastChecks?: { name: string; decision: string; message: string }[];
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

export interface EventView {
  type: string;
  reason: string;
  message: string;
  count: number;
}

/** The split a VirtualService applies to traffic without a match (its last http route). */
export interface SplitView {
  primary: number;
  canary: number;
  mirror?: string;
  mirrorPercent?: number;
}

export interface VirtualServiceView {
  spec: {
    hosts?: string[];
    gateways?: string[];
    http?: {
      match?: Record<string, unknown>[];
      route?: { destination: { host: string }; weight?: number }[];
      mirror?: { host: string };
      mirrorPercentage?: { value: number };
    }[];
  };
}

/**
 * How long one scenario may take in all; the tests' timeouts are longer, so waits fail with a dump. Real
 * pods take their time: scheduling, KWOK's readiness and the tutorial's minReadySeconds of 5 s, for the
 * primary, the canary and again for the primary's rollout at promotion.
 */
export const SCENARIO_BUDGET_MS = 180_000;

const isNotFound = (err: unknown) => (err as { code?: number }).code === 404;

export class Scenario {
  readonly controllers: ControllerProcess[] = [];
  /** Waits end by then at the latest (keep it under the test's own timeout). */
  readonly deadline: number;
  /** Admin clients: the test's own reads never count as the controller's. */
  readonly clients: KubeClients;

  constructor(
    readonly world: World,
    readonly namespace: string,
    readonly canaryName = 'podinfo',
    budgetMs = SCENARIO_BUDGET_MS,
  ) {
    this.deadline = Date.now() + budgetMs;
    this.clients = world.cluster.adminClients();
  }

  /** `aviary controller --namespace <namespace>` as aviary-system/aviary. */
  startController(options: Partial<ControllerProcessOptions> = {}): ControllerProcess {
    const controller = spawnController({
      kubeconfig: this.world.controllerKubeconfig,
      namespace: this.namespace,
      metricsServer: this.world.prometheus.url,
      ...options,
    });
    this.controllers.push(controller);
    return controller;
  }

  /** Stops the controllers; with AVIARY_E2E_LOG_DIR set, writes each one's whole log there. */
  async stop(): Promise<void> {
    await Promise.all(this.controllers.map((c) => c.kill('SIGTERM')));
    const dir = process.env.AVIARY_E2E_LOG_DIR;
    if (!dir) return;
    await mkdir(dir, { recursive: true });
    for (const c of this.controllers) {
      await writeFile(join(dir, `${this.namespace}-${c.identity}.log`), c.tail(c.lines.length));
    }
  }

  /** `kubectl <args> -n <namespace>` as the admin; throws with kubectl's stderr on a non-zero exit. */
  async kubectl(args: string[], stdin?: string): Promise<string> {
    const result = await this.world.cluster.kubectl(
      [...args, '-n', this.namespace],
      stdin === undefined ? {} : { stdin },
    );
    if (result.code !== 0)
      throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return result.stdout;
  }

  async apply(objects: KubeObject[]): Promise<string> {
    return this.kubectl(['apply', '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
  }

  /** A namespaced custom object, or undefined when there is none. */
  async custom<T>(group: string, version: string, plural: string, name: string): Promise<T | undefined> {
    try {
      return (await this.clients.custom.getNamespacedCustomObject({
        group,
        version,
        namespace: this.namespace,
        plural,
        name,
      })) as T;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async canary(): Promise<{ spec: Record<string, unknown>; status?: CanaryStatusView }> {
    const canary = await this.custom<{ spec: Record<string, unknown>; status?: CanaryStatusView }>(
      'aviary.dev',
      'v1beta1',
      'canaries',
      this.canaryName,
    );
    if (!canary) throw new Error(`canary ${this.namespace}/${this.canaryName} not found`);
    return canary;
  }

  async status(): Promise<CanaryStatusView> {
    return (await this.canary()).status ?? {};
  }

  async virtualService(): Promise<VirtualServiceView | undefined> {
    return this.custom<VirtualServiceView>('networking.istio.io', 'v1', 'virtualservices', this.canaryName);
  }

  /** Events whose involved object is the Canary, oldest first. */
  async events(): Promise<EventView[]> {
    const { items } = await this.clients.core.listNamespacedEvent({ namespace: this.namespace });
    return items
      .filter((e) => e.involvedObject.kind === 'Canary' && e.involvedObject.name === this.canaryName)
      .sort((a, b) => timeOf(a) - timeOf(b))
      .map((e) => ({
        type: e.type ?? '',
        reason: e.reason ?? '',
        message: e.message ?? '',
        count: e.count ?? 1,
      }));
  }

  async deployment(name: string): Promise<V1Deployment | undefined> {
    try {
      return plain<V1Deployment>(
        await this.clients.apps.readNamespacedDeployment({ name, namespace: this.namespace }),
      );
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async hpa(name: string): Promise<V2HorizontalPodAutoscaler | undefined> {
    try {
      return plain<V2HorizontalPodAutoscaler>(
        await this.clients.autoscaling.readNamespacedHorizontalPodAutoscaler({
          name,
          namespace: this.namespace,
        }),
      );
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** The pods of a Deployment (its selector), as the ReplicaSet controller and KWOK made them. */
  async podsOf(deployment: string): Promise<V1Pod[]> {
    const d = await this.deployment(deployment);
    const labels = d?.spec?.selector.matchLabels;
    if (!labels) return [];
    const labelSelector = Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const { items } = await this.clients.core.listNamespacedPod({ namespace: this.namespace, labelSelector });
    return plain<V1Pod[]>(items).filter((p) => !p.metadata?.deletionTimestamp);
  }

  async lease(namespace: string, name: string): Promise<V1Lease | undefined> {
    try {
      return plain<V1Lease>(await this.clients.coordination.readNamespacedLease({ name, namespace }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Polls `probe` until it returns a value other than undefined; on timeout, throws with a full dump. */
  async until<T>(
    what: string,
    probe: () => Promise<T | undefined> | T | undefined,
    timeoutMs = 150_000,
  ): Promise<T> {
    // Never past the scenario's budget: a wait must fail with the dump before the test runner's timeout.
    const deadline = Math.min(Date.now() + timeoutMs, this.deadline);
    let lastError: unknown;
    for (;;) {
      try {
        const value = await probe();
        if (value !== undefined) return value;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() > deadline) {
        const why = lastError ? `\nlast probe error: ${String(lastError)}` : '';
        throw new Error(
          `[${this.namespace}] timed out waiting for ${what} (${timeoutMs} ms or the scenario's budget)${why}\n${await this.dump()}`,
        );
      }
      await sleep(250);
    }
  }

  async untilPhase(phase: string, timeoutMs?: number): Promise<CanaryStatusView> {
    return this.until(
      `canary phase ${phase}`,
      async () => {
        const status = await this.status();
        if (phase !== 'Failed' && status.phase === 'Failed' && phase !== status.phase) {
          throw new Error(`canary failed while waiting for ${phase}: ${status.failureReason ?? '?'}`);
        }
        return status.phase === phase ? status : undefined;
      },
      timeoutMs,
    );
  }

  /** Fails the test with the dump when `condition` is false. */
  async check(condition: boolean, what: string): Promise<void> {
    if (!condition) throw new Error(`[${this.namespace}] ${what}\n${await this.dump()}`);
  }

  /** Canary status, Events, the VirtualService, Deployments, pods, HPAs and each controller's log tail. */
  async dump(): Promise<string> {
    const parts: string[] = [];
    const section = async (title: string, read: () => Promise<unknown>) => {
      try {
        const value = await read();
        parts.push(`--- ${title} ---\n${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}`);
      } catch (err) {
        parts.push(`--- ${title} --- (unreadable: ${String(err)})`);
      }
    };
    await section('canary status', () => this.status());
    await section('events', async () => {
      const { items } = await this.clients.core.listNamespacedEvent({ namespace: this.namespace });
      return items
        .sort((a, b) => timeOf(a) - timeOf(b))
        .map(
          (e) =>
            `${e.involvedObject.kind ?? '?'}/${e.involvedObject.name ?? '?'} ${e.type ?? ''} ${e.reason ?? ''} (x${e.count ?? 1}): ${e.message ?? ''}`,
        )
        .join('\n');
    });
    await section('virtualservice spec', async () => (await this.virtualService())?.spec);
    await section('deployments', async () => {
      const { items } = await this.clients.apps.listNamespacedDeployment({ namespace: this.namespace });
      return items
        .map((d) => {
          const st = d.status ?? {};
          const progressing = st.conditions?.find((c) => c.type === 'Progressing');
          return `${d.metadata?.name ?? '?'}: replicas=${d.spec?.replicas ?? '?'} updated=${st.updatedReplicas ?? 0} ready=${st.readyReplicas ?? 0} available=${st.availableReplicas ?? 0} image=${d.spec?.template.spec?.containers[0]?.image ?? '?'} progressing=${progressing?.reason ?? '?'}`;
        })
        .join('\n');
    });
    await section('pods', async () => {
      const { items } = await this.clients.core.listNamespacedPod({ namespace: this.namespace });
      return items
        .map((p) => {
          const ready = p.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '?';
          return `${p.metadata?.name ?? '?'}: ${p.status?.phase ?? '?'} ready=${ready} node=${p.spec?.nodeName ?? '-'}${p.metadata?.deletionTimestamp ? ' (terminating)' : ''}`;
        })
        .join('\n');
    });
    await section('hpas', async () => {
      const { items } = await this.clients.autoscaling.listNamespacedHorizontalPodAutoscaler({
        namespace: this.namespace,
      });
      return items
        .map(
          (h) =>
            `${h.metadata?.name ?? '?'} -> ${h.spec?.scaleTargetRef.name ?? '?'}: min=${h.spec?.minReplicas ?? '?'} max=${h.spec?.maxReplicas ?? '?'} current=${h.status?.currentReplicas ?? '?'} desired=${h.status?.desiredReplicas ?? '?'}`,
        )
        .join('\n');
    });
    for (const c of this.controllers) parts.push(c.tail(40));
    return parts.join('\n');
  }

  /**
   * Records, every 100 ms until stopped, the split the VirtualService holds; consecutive repeats are
   * collapsed, so a canary walking 10..50% yields [0, 10, 20, 30, 40, 50, 0].
   */
  recordSplits(): { readonly splits: SplitView[]; stop(): SplitView[] } {
    const splits: SplitView[] = [];
    let stopped = false;
    const loop = async () => {
      while (!stopped) {
        const vs = await this.virtualService().catch(() => undefined);
        const split = vs ? splitOf(vs) : undefined;
        const last = splits[splits.length - 1];
        if (split && JSON.stringify(split) !== JSON.stringify(last)) splits.push(split);
        await sleep(100);
      }
    };
    void loop();
    return {
      splits,
      stop() {
        stopped = true;
        return splits;
      },
    };
  }
}

function timeOf(e: CoreV1Event): number {
  const t = e.firstTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
  return t ? new Date(t).getTime() : 0;
}

export function splitOf(vs: VirtualServiceView): SplitView | undefined {
  const routes = vs.spec.http ?? [];
  const main = routes[routes.length - 1];
  if (!main) return undefined;
  const weight = (suffix: string) =>
    (main.route ?? [])
      .filter((r) => r.destination.host.endsWith(suffix))
      .reduce((sum, r) => sum + (r.weight ?? (main.route?.length === 1 ? 100 : 0)), 0);
  return {
    primary: weight('-primary'),
    canary: weight('-canary'),
    ...(main.mirror ? { mirror: main.mirror.host } : {}),
    ...(main.mirrorPercentage ? { mirrorPercent: main.mirrorPercentage.value } : {}),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
