/**
 * The MetricSource for every provider: MetricTemplates of a type in the registry (./index.ts) are read by
 * that provider's reader; everything else (builtins, inline queries, prometheus templates, the local
 * runtime) goes to the source it is given. Failures are readings with reasons, never rejections, and
 * pass through the redactor so that no credential reaches a log, the status or an Event.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { formatDuration, parseDuration } from '../../api/duration.js';
import { DEFAULT_METRIC_INTERVAL, namespaceOf } from '../../api/defaults.js';
import type { Canary, CanaryMetric, MetricTemplate } from '../../api/types.js';
import type {
  MetricQuery,
  MetricReading,
  MetricSource,
  OutcomeReading,
  ProviderCheck,
  TemplateResolver,
} from '../../engine/ports.js';
import { SecretRedactor } from '../../notify/redact.js';
import { renderQuery, templateModel } from '../template.js';
import { METRIC_PROVIDERS } from './index.js';
import { countVersion, isCountTemplate, isSample, renderCount, successRate } from './outcomes.js';
import type { MetricReader } from './types.js';
import { AviaryError } from '../../errors.js';

export interface ProviderSourceOptions {
  /** Reads what is not a registered provider's template (Prometheus, builtins, the local runtime). */
  fallback: MetricSource;
  /** Resolves a metric's templateRef for compareWithPrimary (read() gets the template with the query). */
  templates?: TemplateResolver;
  /** The Secret named by a template's provider.secretRef, decoded; undefined if it does not exist. */
  credentials: (template: MetricTemplate) => Promise<Record<string, string> | undefined>;
  kubeConfig?: KubeConfig;
  /**
   * Readers kept across sources (the controller makes a source per reconcile): an SDK client keeps its
   * connections and cached cloud credentials (an IRSA token exchange is not repeated every tick).
   */
  readers?: ReaderCache;
  /** Per-attempt timeout; default 5000 ms (Flagger's). */
  timeoutMs?: number;
  /** Retries on transient failures; default 2. */
  retries?: number;
  now?: () => number;
}

const MAX_CACHED_READERS = 256;

interface CachedReader {
  reader: MetricReader;
  redact: (s: string) => string;
  interval: (ms: number) => string;
}

/** Readers by template, provider block and credentials (a rotated secret makes a new one); bounded. */
export class ReaderCache {
  private readonly entries = new Map<string, Promise<CachedReader>>();

  get(key: string, make: () => Promise<CachedReader>): Promise<CachedReader> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = make();
      entry.catch(() => this.entries.delete(key));
      if (this.entries.size >= MAX_CACHED_READERS) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, entry);
    }
    return entry;
  }
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createProviderMetricSource(options: ProviderSourceOptions): MetricSource {
  const now = options.now ?? Date.now;
  // One reader (and SDK client) per template and credentials; the window is given on every read.
  const readers = options.readers ?? new ReaderCache();

  const ours = (template: MetricTemplate | undefined): template is MetricTemplate =>
    template !== undefined && template.spec.provider.type in METRIC_PROVIDERS;

  async function readerFor(template: MetricTemplate) {
    const { type, secretRef } = template.spec.provider;
    const credentials = secretRef ? await options.credentials(template) : {};
    if (!credentials) {
      throw new AviaryError(
        'NOT_FOUND',
        `Secret ${secretRef?.name ?? ''} named by MetricTemplate ${template.metadata.name} (spec.provider.secretRef) not found; create it`,
      );
    }
    const key = JSON.stringify([
      template.metadata.namespace,
      template.metadata.name,
      template.spec.provider,
      credentials,
    ]);
    return readers.get(key, async () => {
      const provider = await METRIC_PROVIDERS[type]!();
      const reader = await provider.create({
        provider: template.spec.provider,
        credentials,
        timeoutMs: options.timeoutMs ?? 5000,
        retries: options.retries ?? 2,
        ...(options.kubeConfig ? { kubeConfig: options.kubeConfig } : {}),
        now,
      });
      const redactor = SecretRedactor.of(secretRef?.name, credentials);
      return {
        reader: guarded(reader),
        redact: (text: string) => redactor.redact(text),
        interval: provider.formatInterval ?? formatDuration,
      };
    });
  }

  async function read(q: MetricQuery): Promise<MetricReading> {
    if (!ours(q.template)) return options.fallback.read(q);
    const template = q.template;
    const intervalMs =
      parseDuration(q.metric.interval ?? '') ??
      (q.intervalMs > 0 ? q.intervalMs : (parseDuration(DEFAULT_METRIC_INTERVAL) ?? 60_000));
    const label = `metric ${q.metric.name} (${template.spec.provider.type} MetricTemplate ${template.metadata.name})`;
    let redact = (s: string) => s;
    try {
      const entry = await readerFor(template);
      redact = entry.redact;
      const interval = entry.interval(intervalMs);
      let reading: MetricReading;
      if (isCountTemplate(template)) {
        const sample = await countVersion(
          entry.reader,
          (outcome) => renderCount(template, q.canary, q.metric, interval, 'canary', outcome),
          'canary',
          intervalMs,
        );
        reading = isSample(sample) ? successRate(sample) : sample;
      } else if (q.metric.minSamples !== undefined) {
        reading = {
          kind: 'error',
          reason: `minSamples needs a request count, and this template returns one number; make it a count template with {{ outcome }} (docs/metrics.md) or remove minSamples`,
        };
      } else {
        reading = await entry.reader.read(
          renderQuery(template.spec.query, templateModel(q.canary, { ...q.metric, interval })),
          { intervalMs, mode: 'value' },
        );
      }
      return reading.kind === 'value'
        ? reading
        : { ...reading, reason: redact(`${label}: ${reading.reason}`) };
    } catch (err) {
      return { kind: 'error', reason: redact(`${label}: ${errorText(err)}`) };
    }
  }

  async function outcomes(canary: Canary, metric: CanaryMetric, sinceMs: number): Promise<OutcomeReading> {
    const ref = metric.templateRef;
    const template = ref
      ? await options.templates?.template(ref.namespace ?? namespaceOf(canary), ref.name)
      : undefined;
    if (!ours(template)) {
      if (options.fallback.outcomes) return options.fallback.outcomes(canary, metric, sinceMs);
      return {
        kind: 'error',
        reason: `metric ${metric.name}: this metric source cannot split requests by version`,
      };
    }
    const type = template.spec.provider.type;
    if (metric.name !== 'request-success-rate' || !isCountTemplate(template)) {
      return {
        kind: 'error',
        reason: `metric ${metric.name}: compareWithPrimary with a ${type} template needs a count template (one using {{ outcome }}) on a metric named request-success-rate; latency distributions cannot be read from ${type}`,
      };
    }
    const windowMs = Math.max(1000, Math.ceil((now() - sinceMs) / 1000) * 1000);
    let redact = (s: string) => s;
    try {
      const entry = await readerFor(template);
      redact = entry.redact;
      const interval = entry.interval(windowMs);
      const count = (version: 'canary' | 'primary') =>
        countVersion(
          entry.reader,
          (outcome) => renderCount(template, canary, metric, interval, version, outcome),
          version,
          windowMs,
        );
      const [canarySample, primarySample] = await Promise.all([count('canary'), count('primary')]);
      if (!isSample(canarySample))
        return { ...canarySample, reason: redact(`metric ${metric.name}: ${canarySample.reason}`) };
      if (!isSample(primarySample))
        return { ...primarySample, reason: redact(`metric ${metric.name}: ${primarySample.reason}`) };
      return { kind: 'outcomes', canary: canarySample, primary: primarySample };
    } catch (err) {
      return { kind: 'error', reason: redact(`metric ${metric.name}: ${errorText(err)}`) };
    }
  }

  /** The template's server answers (its reader's online check); the rest is asked of the fallback. */
  async function online(q: MetricQuery): Promise<ProviderCheck | undefined> {
    if (!ours(q.template)) return options.fallback.online?.(q);
    const { type, address } = q.template.spec.provider;
    const server = `${type} of MetricTemplate ${q.template.metadata.name}${address ? ` at ${address}` : ''}`;
    let redact = (s: string) => s;
    try {
      const entry = await readerFor(q.template);
      redact = entry.redact;
      await entry.reader.online();
      return { server, online: true };
    } catch (err) {
      const fix = `check the MetricTemplate's spec.provider and its secret`;
      return { server, online: false, reason: redact(`${errorText(err)}; ${fix}`) };
    }
  }

  return { read, outcomes, online };
}

/** Readers must resolve; one that throws is turned into an error reading (the caller redacts it). */
function guarded(reader: MetricReader): MetricReader {
  return {
    read: (query, window) =>
      reader
        .read(query, window)
        .catch((err: unknown) => ({ kind: 'error' as const, reason: errorText(err) })),
    online: () => reader.online(),
  };
}
