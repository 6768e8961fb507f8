/**
 * One scenario's view of the world: its namespace, its controller process(es), kubectl and client-node
 * reads, polling with readable timeouts (canary status, events, VirtualService and the controller's log
 * tail in the message), and a recorder of the traffic split the VirtualService holds over time.
 */
import { CoreV1Api, CustomObjectsApi, type CoreV1Event } from '@kubernetes/client-node';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeObject } from '../../harness/index.js';
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

/** How long one scenario may take in all; the tests' timeouts are longer, so waits fail with a dump. */
export const SCENARIO_BUDGET_MS = 120_000;

export class Scenario {
  readonly controllers: ControllerProcess[] = [];
  /** Waits end by then at the latest (keep it under the test's own timeout). */
  readonly deadline: number;
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;

  /**
   * `reads: 'store'` reads the harness's storage instead of going through the API, so that every
   * non-kubectl request in the request log is the controller's (the RBAC test counts them).
   */
  constructor(
    readonly world: World,
    readonly namespace: string,
    readonly canaryName = 'podinfo',
    private readonly reads: 'client' | 'store' = 'client',
    budgetMs = SCENARIO_BUDGET_MS,
  ) {
    this.deadline = Date.now() + budgetMs;
    const config = world.api.kubeConfig();
    this.custom = config.makeApiClient(CustomObjectsApi);
    this.core = config.makeApiClient(CoreV1Api);
  }

  startController(options: Partial<ControllerProcessOptions> = {}): ControllerProcess {
    const controller = spawnController({
      kubeconfig: this.world.api.kubeconfigPath,
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

  /** `kubectl <args> -n <namespace>`; throws with kubectl's stderr on a non-zero exit. */
  async kubectl(args: string[], stdin?: string): Promise<string> {
    const result = await this.world.api.kubectl(
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

  async canary(): Promise<{ spec: Record<string, unknown>; status?: CanaryStatusView }> {
    if (this.reads === 'store') {
      const stored = this.world.api.get('canaries.aviary.dev', this.namespace, this.canaryName);
      if (!stored) throw new Error(`canary ${this.namespace}/${this.canaryName} not found`);
      return stored as unknown as { spec: Record<string, unknown>; status?: CanaryStatusView };
    }
    return (await this.custom.getNamespacedCustomObject({
      group: 'aviary.dev',
      version: 'v1beta1',
      namespace: this.namespace,
      plural: 'canaries',
      name: this.canaryName,
    })) as { spec: Record<string, unknown>; status?: CanaryStatusView };
  }

  async status(): Promise<CanaryStatusView> {
    return (await this.canary()).status ?? {};
  }

  async virtualService(): Promise<VirtualServiceView | undefined> {
    if (this.reads === 'store') {
      const stored = this.world.api.get(
        'virtualservices.networking.istio.io',
        this.namespace,
        this.canaryName,
      );
      return stored as unknown as VirtualServiceView | undefined;
    }
    try {
      return (await this.custom.getNamespacedCustomObject({
        group: 'networking.istio.io',
        version: 'v1',
        namespace: this.namespace,
        plural: 'virtualservices',
        name: this.canaryName,
      })) as VirtualServiceView;
    } catch {
      return undefined;
    }
  }

  /** Events whose involved object is the Canary, oldest first. */
  async events(): Promise<EventView[]> {
    const items =
      this.reads === 'store'
        ? (this.world.api.list('events', this.namespace) as unknown as CoreV1Event[])
        : (await this.core.listNamespacedEvent({ namespace: this.namespace })).items;
    return items
      .filter((e) => e.involvedObject.kind === 'Canary' && e.involvedObject.name === this.canaryName)
      .sort((a, b) => String(a.firstTimestamp ?? '').localeCompare(String(b.firstTimestamp ?? '')))
      .map((e) => ({
        type: e.type ?? '',
        reason: e.reason ?? '',
        message: e.message ?? '',
        count: e.count ?? 1,
      }));
  }

  deployment(name: string): KubeObject | undefined {
    return this.world.api.get('deployments.apps', this.namespace, name);
  }

  /** Polls `probe` until it returns a value other than undefined; on timeout, throws with a full dump. */
  async until<T>(
    what: string,
    probe: () => Promise<T | undefined> | T | undefined,
    timeoutMs = 90_000,
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
      await sleep(150);
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

  /** Canary status, Events, the VirtualService and each controller's log tail. */
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
    await section('events', async () =>
      (await this.events()).map((e) => `${e.type} ${e.reason} (x${e.count}): ${e.message}`).join('\n'),
    );
    await section('virtualservice spec', async () => (await this.virtualService())?.spec);
    await section('deployments', () =>
      Promise.resolve(
        this.world.api
          .list('deployments.apps', this.namespace)
          .map((d) => {
            const spec = d.spec as {
              replicas?: number;
              template?: { spec?: { containers?: { image?: string }[] } };
            };
            return `${d.metadata.name ?? '?'}: replicas=${spec.replicas ?? '?'} image=${spec.template?.spec?.containers?.[0]?.image ?? '?'}`;
          })
          .join('\n'),
      ),
    );
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
        const vs = await this.virtualService();
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
