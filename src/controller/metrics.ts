/**
 * The controller's own Prometheus metrics, mirroring Flagger's `flagger_canary_*` series so existing
 * dashboards port by renaming the prefix.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Phase } from '../api/types.js';

/** Flagger's encoding of the status gauge. */
const STATUS_VALUE: Partial<Record<Phase, number>> = { Succeeded: 1, Failed: 2 };

export class ControllerMetrics {
  readonly registry = new Registry();
  private readonly status = new Gauge({
    name: 'aviary_canary_status',
    help: 'Last canary phase: 0 running, 1 successful, 2 failed',
    labelNames: ['name', 'namespace'],
    registers: [this.registry],
  });
  private readonly weight = new Gauge({
    name: 'aviary_canary_weight',
    help: 'Traffic weight of the primary and the canary',
    labelNames: ['workload', 'namespace', 'type'],
    registers: [this.registry],
  });
  private readonly total = new Gauge({
    name: 'aviary_canary_total',
    help: 'Number of canaries per namespace',
    labelNames: ['namespace'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'aviary_canary_duration_seconds',
    help: 'Time one reconcile of a canary took',
    labelNames: ['name', 'namespace'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly outcomes = new Counter({
    name: 'aviary_canary_outcomes_total',
    help: 'Finished rollouts by result (succeeded, failed)',
    labelNames: ['name', 'namespace', 'result'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'aviary_' });
  }

  observeReconcile(
    name: string,
    namespace: string,
    seconds: number,
    phase: Phase,
    previous: Phase | undefined,
  ): void {
    this.duration.observe({ name, namespace }, seconds);
    this.status.set({ name, namespace }, STATUS_VALUE[phase] ?? 0);
    if (phase !== previous && (phase === 'Succeeded' || phase === 'Failed')) {
      this.outcomes.inc({ name, namespace, result: phase.toLowerCase() });
    }
  }

  setWeight(workload: string, namespace: string, primary: number, canary: number): void {
    this.weight.set({ workload, namespace, type: 'primary' }, primary);
    this.weight.set({ workload, namespace, type: 'canary' }, canary);
  }

  setTotals(countByNamespace: Map<string, number>): void {
    this.total.reset();
    for (const [namespace, count] of countByNamespace) this.total.set({ namespace }, count);
  }

  forget(name: string, namespace: string): void {
    this.status.remove({ name, namespace });
  }
}
