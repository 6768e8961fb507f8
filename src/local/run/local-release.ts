/**
 * A release on this machine: the engine driven through the local runtime's ports (processes behind
 * Aviary's weighted router), with webhooks, alerts, a status file and the same engine as the operator.
 *
 * Like a Deployment that existed before Aviary adopted it, the local runtime first initializes with
 * the stable version as the target; the canary definition then arrives as a new revision and the
 * release starts. Between analysis ticks the statistical judge looks at the router's live outcomes
 * every second, so a conclusive regression is rolled back inside the interval.
 */
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { compareWithPrimaryRunner } from '../../analysis/compare-with-primary.js';
import { parseDuration } from '../../api/duration.js';
import type { Canary, CanaryStatus } from '../../api/types.js';
import { ENDED_PHASES, reconcile, type EngineOptions } from '../../engine/index.js';
import { ALL_TO_PRIMARY, type EnginePorts, type EventRecorder, type EventType } from '../../engine/ports.js';
import { HttpWebhookCaller } from '../../hooks/index.js';
import { createLocalPorts, type LocalPorts } from '../index.js';
import { createNotifier, SecretRedactor } from '../../notify/index.js';
import { versionHash } from '../adapters/local-target.js';
import type { LocalManifests } from './manifests.js';
import { localRunMetricSource } from './metric-source.js';
import { ProcessRecordFile } from './orphans.js';
import { restoreFromStatus } from './restore.js';
import { FileStatusStore } from './state-file.js';
import { AviaryError } from '../../errors.js';
import { INTENT_ANNOTATION } from '../../api/intent.js';
import { appendEvent, readIntentText, writeCanaryCopy } from '../../intents/local-files.js';

export interface LocalReleaseOptions {
  manifests: LocalManifests;
  /** Where the status and the promoted primary's definition are kept. Default `.aviary`. */
  stateDir?: string;
  /** Floor of the analysis interval (Flagger's is 10 s; locally 1 s is fine). */
  minimumIntervalMs?: number;
  /** Every event the engine records, as it happens. */
  onEvent?: (type: EventType, message: string) => void;
  /** The status after every tick. */
  onStatus?: (status: CanaryStatus) => void;
  /** Lines the stable and canary processes print. */
  onOutput?: (process: string, line: string) => void;
  /** How often the statistical judge looks between ticks. Default 1000 ms; 0 turns it off. */
  earlyJudgeMs?: number;
  logger?: Logger;
}

export type ReleaseOutcome = { phase: 'Succeeded' | 'Failed'; status: CanaryStatus };

export class LocalRelease {
  readonly local: LocalPorts;
  private canary: Canary;
  private readonly store: FileStatusStore;
  private readonly processRecord: ProcessRecordFile;
  private resumed = false;
  private readonly ports: EnginePorts;
  private readonly engineOptions: EngineOptions;
  private readonly log: Logger;
  private stopped = false;
  private wake: (() => void) | undefined;
  /** Set when something happened that the engine must see now, not at the next tick. */
  private interrupted = false;
  /** Every value that came from a Secret, replaced wherever this release prints or stores text. */
  readonly redactor: SecretRedactor;
  private readonly stateDir: string;

  constructor(private readonly options: LocalReleaseOptions) {
    const { manifests } = options;
    this.canary = manifests.canary;
    this.log = options.logger ?? pino({ level: 'silent' });
    const stateDir = options.stateDir ?? '.aviary';
    this.stateDir = stateDir;
    const name = manifests.canary.metadata.name;
    // spec.local.stateFile, when set, names the status file itself; the other records stay in stateDir.
    this.store = new FileStatusStore(
      manifests.canary.spec.local?.stateFile ?? join(stateDir, `${name}.status.json`),
    );
    this.redactor = new SecretRedactor(manifests.secrets);
    this.processRecord = new ProcessRecordFile(join(stateDir, `${name}.processes.json`));
    this.local = createLocalPorts({
      primaryRecordFile: join(stateDir, `${name}.primary.json`),
      onOutput: (proc, _stream, line) => options.onOutput?.(proc, line),
      journal: this.processRecord,
      // A version that dies takes no more waiting: the next tick runs now and sees its exit.
      onUnexpectedExit: (proc) => {
        this.log.info({ process: proc.name }, `${proc.name} exited: checking the release now`);
        this.interrupt();
      },
    });
    const events: EventRecorder = {
      record: (_canary, type, reason, message) => {
        const text = this.redactor.redact(message);
        this.log.info({ type, reason }, text);
        options.onEvent?.(type, text);
        // The event log `aviary status` and `aviary watch` read; a full disk must not stop the release.
        return appendEvent(stateDir, name, {
          type,
          reason,
          message: text,
          time: new Date().toISOString(),
        }).catch((err: unknown) => this.log.warn({ err: String(err) }, 'appending to the event log failed'));
      },
    };
    this.ports = {
      target: this.local.target,
      router: this.local.router,
      metrics: localRunMetricSource(this.local.metrics, manifests.secrets, manifests.metricTemplates),
      templates: {
        template: (namespace, templateName) =>
          Promise.resolve(
            manifests.metricTemplates.find(
              (t) => t.metadata.name === templateName && (t.metadata.namespace ?? namespace) === namespace,
            ),
          ),
      },
      webhooks: new HttpWebhookCaller(),
      notifier: createNotifier({
        resolveProvider: (ref) => {
          const provider = manifests.alertProviders.find((p) => p.metadata.name === ref.name);
          if (!provider) return Promise.resolve(undefined);
          const secretName = provider.spec.secretRef?.name;
          const secret = secretName ? manifests.secrets.get(secretName) : undefined;
          return Promise.resolve({ spec: provider.spec, ...(secret ? { secret } : {}) });
        },
        logger: this.log,
      }),
      events,
      status: { write: (c, status) => this.store.write(c, this.redactor.redactDeep(status)) },
      clock: { now: Date.now },
    };
    this.engineOptions = {
      compareWithPrimary: compareWithPrimaryRunner.run,
      minimumIntervalMs: options.minimumIntervalMs ?? 1000,
    };
  }

  /** The router's address, once started. */
  get routerPort(): number | undefined {
    return this.local.runtime.routerPort;
  }

  get metricsPort(): number | undefined {
    return this.local.runtime.metricsPort;
  }

  /** Replaces the canary definition (a new revision, as `kubectl apply` of a new image would be). */
  updateCanary(canary: Canary): void {
    this.canary = canary;
    this.wake?.();
  }

  /** Runs ticks until the release of the current canary definition ends; resolves its outcome. */
  async run(): Promise<ReleaseOutcome> {
    let status = (await this.store.read()) ?? {};
    await writeCanaryCopy(this.stateDir, this.redactor.redactDeep(this.canary));
    if (!this.resumed) await this.resume(status);
    for (;;) {
      if (this.stopped) {
        throw new AviaryError('PROCESS_FAILED', 'release stopped before it ended', {
          fix: 'run it again: it resumes from its state file',
        });
      }
      const view = await this.withIntent(this.engineView(status));
      this.interrupted = false;
      const result = await reconcile({ ...view, status }, this.ports, this.engineOptions);
      status = this.redactor.redactDeep(result.status);
      this.options.onStatus?.(status);
      const current = status.lastAppliedSpec === versionHash(this.canary.spec.local!.canary);
      if (ENDED_PHASES.has(result.phase) && current)
        return { phase: result.phase as 'Succeeded' | 'Failed', status };
      if (result.phase === 'Initialized' && current) {
        throw new AviaryError(
          'INVALID_SPEC',
          `canary ${this.canary.metadata.name}: spec.local.canary runs the same command, env and cwd as spec.local.stable — nothing to release; change the canary's command`,
        );
      }
      await this.waitForNextTick(result.nextTickMs ?? 1000, status);
    }
  }

  /**
   * Routes everything to the stable version and stops every process and the router. Safe to call on
   * Ctrl-C in the middle of a tick: nothing is left running.
   */
  async close(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    try {
      if (this.local.runtime.proxy) await this.local.router.setRoutes(this.canary, ALL_TO_PRIMARY);
    } catch (err) {
      this.log.warn({ err: this.redactor.redact(String(err)) }, 'routing back to the stable version failed');
    }
    await this.local.close();
    await this.processRecord.clear();
  }

  /**
   * Once per process: stops the versions a killed run left behind, then rebuilds what the status file
   * describes (processes, split), so the engine carries on where the previous run stopped.
   */
  private async resume(status: CanaryStatus): Promise<void> {
    this.resumed = true;
    const notes = await this.processRecord.reap();
    const restored =
      status.lastAppliedSpec === undefined
        ? []
        : await restoreFromStatus(this.local, this.engineView(status), status);
    for (const note of [...notes, ...restored].map((n) => this.redactor.redact(n))) {
      this.log.info(note);
      this.options.onEvent?.('Normal', `resuming ${this.canary.metadata.name}: ${note}`);
    }
    // The rebuilt router has measured nothing yet: give it one interval of traffic before the next check.
    if (restored.length > 0) await this.waitForNextTick(this.intervalMs(), status);
  }

  private intervalMs(): number {
    const interval = parseDuration(this.canary.spec.analysis.interval ?? '1m') ?? 60_000;
    return Math.max(interval, this.engineOptions.minimumIntervalMs ?? 0);
  }

  /**
   * Until the first initialization completes, the target is the stable version itself (as a Deployment
   * Aviary adopts is); after that the canary definition is the target, and a new revision.
   */
  private engineView(status: CanaryStatus): Canary {
    if (status.lastAppliedSpec !== undefined) return this.canary;
    const local = this.canary.spec.local!;
    return {
      ...this.canary,
      spec: {
        ...this.canary.spec,
        local: { ...local, canary: { ...local.stable, port: local.canary.port } },
      },
    };
  }

  /** `aviary pause|resume|promote|abort|retry --state-dir` leave their intent in a file: on the Canary it is an annotation. */
  private async withIntent(canary: Canary): Promise<Canary> {
    const intent = await readIntentText(this.stateDir, canary.metadata.name);
    if (intent === undefined) return canary;
    const annotations = { ...canary.metadata.annotations, [INTENT_ANNOTATION]: intent };
    return { ...canary, metadata: { ...canary.metadata, annotations } };
  }

  /** Sleeps until the next tick, waking early when the statistical judge finds a conclusive regression. */
  private async waitForNextTick(ms: number, status: CanaryStatus): Promise<void> {
    const judgeEvery = this.options.earlyJudgeMs ?? 1000;
    const comparing = (this.canary.spec.analysis.metrics ?? []).filter((m) => m.compareWithPrimary);
    const analysing = status.phase === 'Progressing' || status.phase === 'WaitingPromotion';
    const deadline = Date.now() + ms;
    while (!this.stopped && !this.interrupted && Date.now() < deadline) {
      const step =
        judgeEvery > 0 && analysing && comparing.length > 0
          ? Math.min(judgeEvery, deadline - Date.now())
          : deadline - Date.now();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, step);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      if (this.interrupted) return;
      if (judgeEvery > 0 && analysing && (await this.conclusiveRegression(status))) return;
    }
  }

  /** Ends the wait for the next tick (a version exited): the engine looks at the world right away. */
  private interrupt(): void {
    this.interrupted = true;
    this.wake?.();
  }

  private async conclusiveRegression(status: CanaryStatus): Promise<boolean> {
    const startedAt = Date.parse(status.analysisStartedAt ?? '');
    if (!Number.isFinite(startedAt)) return false;
    for (const metric of this.canary.spec.analysis.metrics ?? []) {
      if (!metric.compareWithPrimary) continue;
      const check = await compareWithPrimaryRunner.run(metric, {
        canary: this.canary,
        metrics: this.ports.metrics,
        now: Date.now(),
        analysisStartedAtMs: startedAt,
      });
      if (check.decision === 'fail' && check.final) {
        this.log.info({ metric: metric.name }, `conclusive regression between ticks: ${check.message}`);
        return true;
      }
    }
    return false;
  }
}
