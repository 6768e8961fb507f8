/**
 * The local runtime of one Canary: Aviary's router (with its metrics server), the request metrics and
 * the process supervisor. The router, target and metric-source adapters share one instance, because
 * locally they are one machine: promotion briefly re-points the router while the primary is replaced.
 */
import type { Canary } from '../api/types.js';
import { AviaryError } from '../errors.js';
import { MetricsServer } from './metrics/metrics-server.js';
import { RequestMetrics } from './metrics/request-metrics.js';
import type { OutcomeWindowOptions } from './metrics/outcome-window.js';
import { WeightedProxy } from './router/proxy.js';
import { localSpec, metricsPortOf, upstreams } from './spec.js';
import type { ManagedProcess, OutputListener } from './supervisor/managed-process.js';
import { Supervisor, type ProcessJournal } from './supervisor/supervisor.js';

export interface LocalRuntimeOptions {
  /** Address the router and its metrics listen on. Default 127.0.0.1. */
  host?: string;
  /** SIGTERM-to-SIGKILL grace for stopped versions. Default 5 s. */
  graceMs?: number;
  /** Every line the versions print. */
  onOutput?: OutputListener;
  /** Where each version is written down before and as it starts (so a later run can find it). */
  journal?: ProcessJournal;
  /** A version exited without being asked to stop. */
  onUnexpectedExit?: (process: ManagedProcess) => void;
  /** Longest upstream silence before the router answers 504. Default: spec.service.timeout, else 60 s. */
  upstreamTimeoutMs?: number;
  window?: OutcomeWindowOptions;
}

export class LocalRuntime {
  readonly supervisor: Supervisor;
  readonly metrics: RequestMetrics;
  private proxyInstance: WeightedProxy | undefined;
  private metricsServer: MetricsServer | undefined;
  private starting: Promise<WeightedProxy> | undefined;

  constructor(private readonly options: LocalRuntimeOptions = {}) {
    this.supervisor = new Supervisor({
      ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
      ...(options.onOutput ? { onOutput: options.onOutput } : {}),
      ...(options.journal ? { journal: options.journal } : {}),
      ...(options.onUnexpectedExit ? { onUnexpectedExit: options.onUnexpectedExit } : {}),
    });
    this.metrics = new RequestMetrics(options.window);
  }

  /** The router, once `ensureRouter` has started it. */
  get proxy(): WeightedProxy | undefined {
    return this.proxyInstance;
  }

  get routerPort(): number | undefined {
    return this.proxyInstance?.port;
  }

  get metricsPort(): number | undefined {
    return this.metricsServer?.port;
  }

  /** Starts the router (all traffic to the primary) and its metrics server, once; later calls return it. */
  ensureRouter(canary: Canary, upstreamTimeoutMs?: number): Promise<WeightedProxy> {
    this.starting ??= this.startRouter(canary, upstreamTimeoutMs).catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  private async startRouter(canary: Canary, upstreamTimeoutMs: number | undefined): Promise<WeightedProxy> {
    const local = localSpec(canary);
    const host = this.options.host ?? '127.0.0.1';
    const timeout = upstreamTimeoutMs ?? this.options.upstreamTimeoutMs;
    const proxy = new WeightedProxy({
      ...upstreams(canary),
      observer: this.metrics,
      ...(timeout !== undefined ? { upstreamTimeoutMs: timeout } : {}),
    });
    await proxy.listen(local.listenPort, host);
    const server = new MetricsServer(this.metrics);
    try {
      await server.listen(metricsPortOf(local), host);
    } catch (err) {
      await proxy.close();
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new AviaryError(
        code === 'EADDRINUSE' ? 'CONFLICT' : 'UNAVAILABLE',
        `the router's metrics server cannot listen on ${host}:${metricsPortOf(local)} (${code}); set spec.local.metricsPort to a free port`,
        { cause: err },
      );
    }
    this.metrics.bindRoutes(() => proxy.getRoutes());
    this.proxyInstance = proxy;
    this.metricsServer = server;
    return proxy;
  }

  /** Stops the versions, the router and its metrics server. */
  async close(): Promise<void> {
    await this.supervisor.stopAll();
    await this.proxyInstance?.close();
    await this.metricsServer?.close();
    this.proxyInstance = undefined;
    this.metricsServer = undefined;
    this.starting = undefined;
  }
}
