/**
 * All the doubles wired together around one Canary, with a `tick` that does what the controller does:
 * re-read the Canary with its stored status, reconcile, let the analysis interval pass.
 */
import type { Canary, CanaryStatus, Phase } from '../../api/types.js';
import { reconcile, type ReconcileResult } from '../reconcile.js';
import type { EnginePorts } from '../ports.js';
import type { EngineOptions } from '../tick.js';
import { FakeClock } from './clock.js';
import { podinfoCanary } from './fixtures.js';
import { HEALTHY_METRICS, InMemoryTemplates, ScriptedMetrics, type MetricScript } from './metrics.js';
import { MemoryStatusStore, RecordingEvents, RecordingNotifier } from './recorders.js';
import { InMemoryRouter } from './router.js';
import { InMemoryTarget } from './target.js';
import { ScriptedWebhooks } from './webhooks.js';

export interface WorldOptions {
  canary?: Canary;
  /** The target's revision at creation (default "v1"). */
  revision?: string;
  metrics?: Record<string, MetricScript>;
  engine?: EngineOptions;
  /** Wraps the ports the engine sees (e.g. crashingPorts). */
  wrap?: (ports: EnginePorts) => EnginePorts;
}

export class World {
  canary: Canary;
  readonly clock = new FakeClock();
  readonly target: InMemoryTarget;
  readonly router = new InMemoryRouter();
  readonly metrics: ScriptedMetrics;
  readonly templates = new InMemoryTemplates();
  readonly webhooks = new ScriptedWebhooks();
  readonly notifier = new RecordingNotifier();
  readonly events = new RecordingEvents();
  readonly store = new MemoryStatusStore();
  readonly ports: EnginePorts;
  engine: EngineOptions;

  constructor(options: WorldOptions = {}) {
    this.canary = options.canary ?? podinfoCanary();
    this.target = new InMemoryTarget(options.revision ?? 'v1');
    this.metrics = new ScriptedMetrics(options.metrics ?? HEALTHY_METRICS);
    this.engine = options.engine ?? {};
    const ports: EnginePorts = {
      target: this.target,
      router: this.router,
      metrics: this.metrics,
      templates: this.templates,
      webhooks: this.webhooks,
      notifier: this.notifier,
      events: this.events,
      status: this.store,
      clock: this.clock,
    };
    this.ports = options.wrap ? options.wrap(ports) : ports;
  }

  get status(): CanaryStatus {
    return this.store.status ?? {};
  }

  get phase(): Phase | undefined {
    return this.store.status?.phase;
  }

  /** The Canary as the controller would read it now. */
  current(): Canary {
    const status = this.store.status;
    return { ...this.canary, ...(status ? { status: structuredClone(status) } : {}) };
  }

  /** One reconcile, then one analysis interval passes. */
  async tick(): Promise<ReconcileResult> {
    const result = await reconcile(this.current(), this.ports, this.engine);
    this.clock.advance(result.nextTickMs ?? 60_000);
    return result;
  }

  /** Ticks until `done` holds after a tick (or `phase` is reached); throws after `max` ticks. */
  async runUntil(done: Phase | ((world: World) => boolean), max = 100): Promise<number> {
    const reached = typeof done === 'string' ? (w: World) => w.phase === done : done;
    for (let n = 1; n <= max; n++) {
      await this.tick();
      if (reached(this)) return n;
    }
    throw new Error(
      `not reached after ${max} ticks; phase ${this.phase}, events:\n${this.events.messages().join('\n')}`,
    );
  }

  /** Initializes the canary (v1 on the primary), then deploys `spec` as the new revision. */
  async initializeThenDeploy(spec = 'v2'): Promise<void> {
    await this.runUntil('Initialized', 10);
    this.target.deploy(spec);
  }
}

export function createWorld(options: WorldOptions = {}): World {
  return new World(options);
}
