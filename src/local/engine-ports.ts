/**
 * The local runtime's engine ports in one call: router, workload target and metric source sharing one
 * LocalRuntime (processes, router, request metrics). The caller adds webhooks, notifier, events, status
 * store and clock, and calls `close()` (or relies on `installExitHandlers`) when done.
 */
import type { MetricSource, TrafficRouter, WorkloadTarget } from '../engine/ports.js';
import { LocalMetricSource } from './adapters/local-metric-source.js';
import { LocalTrafficRouter } from './adapters/local-router.js';
import { LocalWorkloadTarget, type LocalTargetOptions } from './adapters/local-target.js';
import { LocalRuntime, type LocalRuntimeOptions } from './runtime.js';
import { installExitHandlers } from './supervisor/supervisor.js';

export interface LocalPorts {
  runtime: LocalRuntime;
  router: TrafficRouter;
  target: WorkloadTarget;
  metrics: MetricSource;
  /** Ctrl-C / SIGTERM stop every version before exiting; returns the uninstaller. */
  installExitHandlers(onSignal?: (signal: NodeJS.Signals) => void): () => void;
  /** Stops the versions, the router and its metrics server. */
  close(): Promise<void>;
}

export function createLocalPorts(options: LocalRuntimeOptions & LocalTargetOptions = {}): LocalPorts {
  const runtime = new LocalRuntime(options);
  return {
    runtime,
    router: new LocalTrafficRouter(runtime),
    target: new LocalWorkloadTarget(
      runtime,
      options.primaryRecordFile ? { primaryRecordFile: options.primaryRecordFile } : {},
    ),
    metrics: new LocalMetricSource({ window: runtime.metrics.window, routerPort: () => runtime.routerPort }),
    installExitHandlers: (onSignal) => installExitHandlers(runtime.supervisor, onSignal),
    close: () => runtime.close(),
  };
}
