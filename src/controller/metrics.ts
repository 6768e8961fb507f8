/**
 * The controller's own Prometheus metrics, mirroring Flagger's `flagger_canary_*` series so existing
 * dashboards port by renaming the prefix, plus the phase, failed checks and reconcile errors that
 * deploy/grafana/aviary-dashboard.json shows.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PHASES } from '../api/schema/status.js';
import type { Canary, Phase } from '../api/types.js';
import { ENDED_PHASES } from '../engine/phases/table.js';

type Decision = NonNullable<NonNullable<Canary['status']>['lastChecks']>[number]['decision'];
const DECISIONS: readonly Decision[] = ['pass', 'fail', 'inconclusive'];

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

  private readonly phase = new Gauge({
    name: 'aviary_canary_phase',
    help: 'Phase of each canary: 1 for the phase it is in, 0 for the others',
    labelNames: ['name', 'namespace', 'phase'],
    registers: [this.registry],
  });
  private readonly failedChecks = new Gauge({
    name: 'aviary_canary_failed_checks',
    help: 'Failed checks counted towards the analysis threshold (status.failedChecks)',
    labelNames: ['name', 'namespace'],
    registers: [this.registry],
  });
  private readonly checks = new Gauge({
    name: 'aviary_canary_last_checks',
    help: 'Checks of the last analysis per metric and decision (pass, fail, inconclusive): how many',
    labelNames: ['name', 'namespace', 'metric', 'decision'],
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'aviary_canary_reconcile_errors_total',
    help: 'Reconciles of a canary that ended in an error (retried at the next interval)',
    labelNames: ['name', 'namespace'],
    registers: [this.registry],
  });
  /** Metric names last exported per canary, so that a metric dropped from the spec stops being reported. */
  private readonly checkedMetrics = new Map<string, Set<string>>();

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
    if (phase !== previous && ENDED_PHASES.has(phase)) {
      this.outcomes.inc({ name, namespace, result: phase.toLowerCase() });
    }
  }

  /** Phase, failed checks and the last analysis's checks, from the status a reconcile ended with. */
  observeStatus(name: string, namespace: string, status: NonNullable<Canary['status']>): void {
    const current = status.phase ?? 'Initializing';
    for (const phase of PHASES) this.phase.set({ name, namespace, phase }, phase === current ? 1 : 0);
    this.failedChecks.set({ name, namespace }, status.failedChecks ?? 0);
    // One metric may have several checks (a comparison with the primary and a threshold range): counted.
    const counts = new Map<string, Record<Decision, number>>();
    for (const check of status.lastChecks ?? []) {
      const count = counts.get(check.name) ?? { pass: 0, fail: 0, inconclusive: 0 };
      count[check.decision]++;
      counts.set(check.name, count);
    }
    const key = `${namespace}/${name}`;
    for (const metric of this.checkedMetrics.get(key) ?? []) {
      if (!counts.has(metric)) this.removeChecks(name, namespace, metric);
    }
    for (const [metric, count] of counts) {
      for (const decision of DECISIONS)
        this.checks.set({ name, namespace, metric, decision }, count[decision]);
    }
    this.checkedMetrics.set(key, new Set(counts.keys()));
  }

  reconcileFailed(name: string, namespace: string): void {
    this.errors.inc({ name, namespace });
  }

  setWeight(workload: string, namespace: string, primary: number, canary: number): void {
    this.weight.set({ workload, namespace, type: 'primary' }, primary);
    this.weight.set({ workload, namespace, type: 'canary' }, canary);
  }

  setTotals(countByNamespace: Map<string, number>): void {
    this.total.reset();
    for (const [namespace, count] of countByNamespace) this.total.set({ namespace }, count);
  }

  /** A deleted canary: its series go (the counters stay, as counters do). */
  forget(name: string, namespace: string): void {
    this.status.remove({ name, namespace });
    this.failedChecks.remove({ name, namespace });
    for (const phase of PHASES) this.phase.remove({ name, namespace, phase });
    const key = `${namespace}/${name}`;
    for (const metric of this.checkedMetrics.get(key) ?? []) this.removeChecks(name, namespace, metric);
    this.checkedMetrics.delete(key);
  }

  private removeChecks(name: string, namespace: string, metric: string): void {
    for (const decision of DECISIONS) this.checks.remove({ name, namespace, metric, decision });
  }
}
