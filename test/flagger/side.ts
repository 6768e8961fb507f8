/**
 * One side of a side-by-side run: a namespace, the controller that drives it (the real Flagger or
 * `aviary controller`), the same podinfo workload and the same Canary spec under that controller's API
 * group, and what a user would watch: the canary's phase and weight over time and the objects written.
 */
import type { KubeObject } from '../cluster/objects.js';
import { spawnController } from '../e2e/support/controller-process.js';
import { podinfoWorkload } from '../e2e/support/manifests.js';
import { sleep, splitOf, type VirtualServiceView } from '../e2e/support/scenario.js';
import type { World } from '../e2e/support/world.js';
import { startFlagger } from './flagger-process.js';

export type ControllerName = 'flagger' | 'aviary';

export const GROUP: Record<ControllerName, string> = { flagger: 'flagger.app', aviary: 'aviary.dev' };

interface CanaryView {
  status?: { phase?: string; canaryWeight?: number; failedChecks?: number };
}

/** Objects both controllers write for a Canary named podinfo on Istio, as kubectl names them. */
export const WRITTEN_OBJECTS = [
  'deployment.apps/podinfo-primary',
  'horizontalpodautoscaler.autoscaling/podinfo-primary',
  'service/podinfo',
  'service/podinfo-canary',
  'service/podinfo-primary',
  'virtualservice.networking.istio.io/podinfo',
  'destinationrule.networking.istio.io/podinfo-canary',
  'destinationrule.networking.istio.io/podinfo-primary',
] as const;

export class Side {
  /** `phase weight split` as it changed, consecutive repeats collapsed. */
  readonly timeline: string[] = [];
  /** Every version of the VirtualService's spec seen, in order, consecutive repeats collapsed. */
  readonly virtualServices: unknown[] = [];
  private stopController: () => Promise<void> = () => Promise.resolve();
  private tail: () => string = () => '';
  private recording = false;
  /** Set when the controller process exits before stop(): waits fail at once instead of timing out. */
  private died: string | undefined;
  private stopping = false;

  constructor(
    readonly world: World,
    readonly controller: ControllerName,
    readonly namespace: string,
  ) {}

  get group(): string {
    return GROUP[this.controller];
  }

  async start(): Promise<void> {
    const hooks = this.world.receiver.url;
    if (this.controller === 'flagger') {
      const flagger = await startFlagger({
        kubeconfig: this.world.cluster.kubeconfig,
        namespace: this.namespace,
        metricsServer: this.world.prometheus.url,
        slackUrl: `${hooks}/slack/${this.namespace}`,
        eventWebhook: `${hooks}/events/${this.namespace}`,
      });
      this.stopController = () => flagger.stop();
      this.tail = () => flagger.tail();
      void flagger.exited.then((code) => this.exitedEarly(code));
    } else {
      const aviary = spawnController({
        kubeconfig: this.world.controllerKubeconfig,
        namespace: this.namespace,
        metricsServer: this.world.prometheus.url,
        extraArgs: [
          '--slack-url',
          `${hooks}/slack/${this.namespace}`,
          '--slack-channel',
          'releases',
          '--slack-user',
          'canary-bot',
          '--event-webhook',
          `${hooks}/events/${this.namespace}`,
        ],
      });
      this.stopController = () => aviary.kill('SIGTERM');
      this.tail = () => aviary.tail();
      void aviary.exited.then((code) => this.exitedEarly(code));
    }
  }

  private exitedEarly(code: number | null): void {
    if (!this.stopping) this.died = `${this.controller} exited with code ${String(code)}`;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.recording = false;
    await this.stopController();
  }

  async kubectl(args: string[], stdin?: string): Promise<string> {
    const result = await this.world.cluster.kubectl(
      [...args, '-n', this.namespace],
      stdin === undefined ? {} : { stdin },
    );
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  }

  async apply(objects: KubeObject[]): Promise<void> {
    await this.kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
    );
  }

  /** podinfo's Deployment and HPA, then `canary` (a flagger.app manifest) under this side's group. */
  async applyWorkloadAndCanary(canary: KubeObject): Promise<void> {
    await this.apply(podinfoWorkload(this.namespace));
    await this.apply([
      {
        ...canary,
        apiVersion: `${this.group}/v1beta1`,
        metadata: { ...canary.metadata, namespace: this.namespace },
      },
    ]);
  }

  async canary(): Promise<CanaryView | undefined> {
    try {
      return (await this.world.cluster.adminClients().custom.getNamespacedCustomObject({
        group: this.group,
        version: 'v1beta1',
        namespace: this.namespace,
        plural: 'canaries',
        name: 'podinfo',
      })) as CanaryView;
    } catch {
      return undefined;
    }
  }

  /** Every object of WRITTEN_OBJECTS as the API server holds it, by `Kind/name` (missing ones absent). */
  async written(): Promise<Record<string, KubeObject>> {
    const list = JSON.parse(
      await this.kubectl(['get', ...WRITTEN_OBJECTS, '--ignore-not-found', '-o', 'json']),
    ) as { items: KubeObject[] };
    return Object.fromEntries(list.items.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
  }

  /** Polls the canary's phase and weight and the VirtualService's split every 200 ms until stop(). */
  record(): void {
    this.recording = true;
    const clients = this.world.cluster.adminClients();
    const loop = async () => {
      while (this.recording) {
        const status = (await this.canary())?.status;
        const vs = (await clients.custom
          .getNamespacedCustomObject({
            group: 'networking.istio.io',
            version: 'v1',
            namespace: this.namespace,
            plural: 'virtualservices',
            name: 'podinfo',
          })
          .catch(() => undefined)) as VirtualServiceView | undefined;
        const split = vs ? splitOf(vs) : undefined;
        const last = this.virtualServices[this.virtualServices.length - 1];
        if (vs && JSON.stringify(vs.spec) !== JSON.stringify(last)) this.virtualServices.push(vs.spec);
        if (status?.phase) {
          const entry = `${status.phase} ${status.canaryWeight ?? 0} ${split ? `${split.primary}/${split.canary}${split.mirror ? ' mirror' : ''}` : '-'}`;
          if (this.timeline[this.timeline.length - 1] !== entry) this.timeline.push(entry);
        }
        await sleep(200);
      }
    };
    void loop();
  }

  /** Waits for the canary's phase; fails with this side's log tail. */
  async untilPhase(phases: string[], timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const phase = (await this.canary())?.status?.phase;
      if (phase && phases.includes(phase)) return phase;
      if (this.died || Date.now() > deadline)
        throw new Error(
          `[${this.controller} ${this.namespace}] ${this.died ? `${this.died}; ` : ''}no phase ${phases.join('/')} within ${timeoutMs} ms (now ${phase ?? 'none'}); timeline ${JSON.stringify(this.timeline)}\n${this.tail()}`,
        );
      await sleep(250);
    }
  }

  log(): string {
    return this.tail();
  }
}
