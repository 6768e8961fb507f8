/**
 * One reconcile's context: the Canary as read, its status at the start of the tick, the ports, the time.
 * Phase handlers read from it and return the next status with `stay` or `goto`; nothing is persisted
 * until the reconcile writes that status once at its end.
 */
import { analysisIntervalMs, runningAnalysis, namespaceOf } from '../api/defaults.js';
import type { CheckRunner, CheckRunners } from '../analysis/checks.js';
import type { Canary, CanaryAnalysis, CanaryStatus, Phase } from '../api/types.js';
import { AviaryError } from '../errors.js';
import { withEventWebhooks } from './events.js';
import { mayGo } from './phases/table.js';
import type { EnginePorts, EventType, Severity } from './ports.js';
import { compact, promotedCondition, recoveredCondition } from './status.js';

export interface EngineOptions {
  /**
   * Judge for `compareWithPrimary` metrics (the statistical judge in src/analysis/sequential). Without it,
   * such checks fail with a reason: a comparison that cannot run never passes.
   */
  compareWithPrimary?: CheckRunner['run'];
  /** Replaces check runners by metric kind (tests, future kinds). */
  checkRunners?: Partial<CheckRunners>;
  /** Event webhook for canaries that have none of their own (Flagger's -event-webhook). */
  eventWebhook?: string;
  /** Floor of the analysis interval reported as nextTickMs (Flagger: 10 s). The local demo lowers it. */
  minimumIntervalMs?: number;
}

export class Tick {
  readonly status: CanaryStatus;
  readonly phase: Phase;
  readonly now: number;
  /** `now` as the ISO timestamp stored in the status. */
  readonly at: string;
  /** `<name>.<namespace>`, as Flagger names a canary in messages. */
  readonly name: string;
  readonly ports: EnginePorts;

  constructor(
    readonly canary: Canary,
    ports: EnginePorts,
    readonly options: EngineOptions = {},
  ) {
    this.status = canary.status ?? {};
    this.phase = this.status.phase ?? 'Initializing';
    this.now = ports.clock.now();
    this.at = new Date(this.now).toISOString();
    this.name = `${canary.spec.targetRef.name}.${namespaceOf(canary)}`;
    this.ports = {
      ...ports,
      events: withEventWebhooks(ports.events, ports.webhooks, ports.clock, options.eventWebhook),
    };
  }

  /** The analysis as it runs (the kubernetes provider's blue/green default applied, as validate says). */
  get analysis(): CanaryAnalysis {
    return runningAnalysis(this.canary.spec);
  }

  get intervalMs(): number {
    return analysisIntervalMs(this.analysis, this.options.minimumIntervalMs);
  }

  /**
   * Records an event (and posts it to the event webhooks with the canary's phase). An event that reports
   * a transition carries the phase it transitions to, as Flagger posts `Initialization done!`,
   * `New revision detected!` and `Canary failed!`; every other event carries the phase the tick started in.
   */
  event(type: EventType, message: string, reportsPhase?: Phase): Promise<void> {
    const canary = reportsPhase
      ? { ...this.canary, status: { ...this.status, phase: reportsPhase } }
      : this.canary;
    return this.ports.events.record(canary, type, 'Synced', message);
  }

  notify(
    severity: Severity,
    message: string,
    extra: { phase?: Phase; canaryWeight?: number; fields?: Record<string, string> } = {},
  ): Promise<void> {
    const { targetRef } = this.canary.spec;
    return this.ports.notifier.notify({
      canary: this.canary,
      severity,
      message,
      phase: extra.phase ?? this.phase,
      canaryWeight: extra.canaryWeight ?? this.status.canaryWeight ?? 0,
      fields: { Target: `${targetRef.kind}/${this.name}`, ...extra.fields },
    });
  }

  /** Same phase, with `patch` applied. */
  stay(patch: Partial<CanaryStatus> = {}): CanaryStatus {
    return this.next(this.phase, patch);
  }

  /**
   * Next phase: stamps the transition time and the Promoted condition when the phase changes. A
   * transition the phase table (./phases/table.ts) does not declare is a bug, refused before any write.
   */
  goto(phase: Phase, patch: Partial<CanaryStatus> = {}): CanaryStatus {
    if (!mayGo(this.phase, phase)) {
      throw new AviaryError('INTERNAL', `${this.name}: ${this.phase} -> ${phase} is not in the phase table`);
    }
    return this.next(phase, patch);
  }

  private next(phase: Phase, patch: Partial<CanaryStatus>): CanaryStatus {
    const changed = phase !== this.status.phase;
    const status: CanaryStatus = {
      ...this.status,
      ...patch,
      phase,
      observedGeneration: this.canary.metadata.generation ?? this.status.observedGeneration,
    };
    status.conditions = recoveredCondition(status.conditions, this.at);
    if (changed) {
      status.lastTransitionTime = this.at;
      status.conditions = promotedCondition(
        status.conditions,
        phase,
        this.canary.spec.targetRef.kind,
        this.at,
      );
    }
    return compact(status);
  }
}
