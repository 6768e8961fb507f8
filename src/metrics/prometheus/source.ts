/**
 * The Prometheus MetricSource: runs builtin metrics (by mesh provider), inline `query` metrics and
 * `templateRef` MetricTemplates of type prometheus, and splits builtin traffic into canary and primary
 * outcomes for the statistical judge. It never rejects: every failure is a reading with a reason.
 */
import { formatDuration } from '../../api/duration.js';
import type { Canary, CanaryMetric, MetricTemplate } from '../../api/types.js';
import type {
  MetricQuery,
  MetricReading,
  MetricSource,
  OutcomeReading,
  ProviderCheck,
  VersionSample,
} from '../../engine/ports.js';
import {
  builtinQueriesFor,
  isBuiltinMetric,
  outcomeQueries,
  renderBuiltin,
  type BuiltinQueries,
  type OutcomeQueries,
} from '../builtin/index.js';
import { collapseWhitespace, renderQuery, templateModel } from '../template.js';
import { PrometheusClient, type FetchLike, type PrometheusAuth, type QueryData } from './client.js';
import { diagnoseNoData, type DiagnosisHints } from './diagnose.js';
import { latencySample } from './latency.js';
import { interpretQueryData, numberOf, parsePromFloat } from './result.js';
import { namespaceOf } from '../../api/defaults.js';
import { AviaryError } from '../../errors.js';

export interface PrometheusMetricSourceOptions {
  /** The metrics server for builtin and inline metrics (Flagger's `-metrics-server` / spec.metricsServer). */
  address: string;
  /** Per-request timeout; default 5000 ms. */
  timeoutMs?: number;
  auth?: PrometheusAuth;
  headers?: Record<string, string | readonly string[]>;
  insecureSkipVerify?: boolean;
  /** Mesh provider whose builtin queries to use when the Canary has no spec.provider. Default `istio`. */
  provider?: string;
  /** Retries on 5xx and connection errors; default 2. */
  retries?: number;
  retryDelayMs?: number;
  /** Credentials of a MetricTemplate's secretRef (the Kubernetes layer reads the Secret). */
  templateAuth?: (template: MetricTemplate) => Promise<PrometheusAuth | undefined>;
  /** Run the no-data diagnosis (a few extra queries). Default true. */
  diagnose?: boolean;
  fetch?: FetchLike;
  now?: () => number;
}

type Plan =
  | {
      kind: 'builtin';
      query: string;
      set: BuiltinQueries;
      metric: 'request-success-rate' | 'request-duration';
    }
  | { kind: 'custom'; query: string; client: PrometheusClient };

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createPrometheusMetricSource(options: PrometheusMetricSourceOptions): MetricSource {
  const now = options.now ?? Date.now;
  const clients = new Map<string, PrometheusClient>();
  const clientFor = (address: string, extra: Partial<PrometheusMetricSourceOptions> = {}) => {
    const key = JSON.stringify([
      address,
      extra.headers ?? null,
      extra.auth ?? null,
      extra.insecureSkipVerify ?? false,
    ]);
    let client = clients.get(key);
    if (!client) {
      client = new PrometheusClient({
        address,
        timeoutMs: options.timeoutMs,
        retries: options.retries,
        retryDelayMs: options.retryDelayMs,
        fetch: options.fetch,
        headers: extra.headers,
        auth: extra.auth,
        insecureSkipVerify: extra.insecureSkipVerify,
      });
      clients.set(key, client);
    }
    return client;
  };
  const defaultClient = () =>
    clientFor(options.address, {
      headers: options.headers,
      auth: options.auth,
      insecureSkipVerify: options.insecureSkipVerify,
    });

  const providerOf = (canary: Canary) => canary.spec.provider ?? options.provider ?? 'istio';
  const builtinSet = (canary: Canary): BuiltinQueries => {
    const provider = providerOf(canary);
    const set = builtinQueriesFor(provider);
    if (!set) {
      throw new AviaryError(
        'INVALID_SPEC',
        `provider ${provider} has no builtin Prometheus queries; give the metric a templateRef or a query`,
      );
    }
    return set;
  };

  async function plan(q: MetricQuery): Promise<Plan> {
    const { canary, metric } = q;
    const interval = metric.interval ?? (q.intervalMs > 0 ? formatDuration(q.intervalMs) : undefined);
    const model = templateModel(canary, interval ? { ...metric, interval } : metric);
    if (metric.templateRef) {
      const template = q.template;
      const ref = `${metric.templateRef.namespace ?? namespaceOf(canary)}/${metric.templateRef.name}`;
      if (!template)
        throw new AviaryError('NOT_FOUND', `MetricTemplate ${ref} not found; create it or fix templateRef`);
      const provider = template.spec.provider;
      if (provider.type !== 'prometheus') {
        throw new AviaryError(
          'INVALID_SPEC',
          `MetricTemplate ${ref} has provider type ${provider.type}; this source reads only prometheus`,
        );
      }
      const auth = provider.secretRef ? await options.templateAuth?.(template) : undefined;
      if (provider.secretRef && !auth) {
        throw new AviaryError(
          'NOT_FOUND',
          `MetricTemplate ${ref} names secret ${provider.secretRef.name}, but its credentials were not resolved`,
        );
      }
      const client = clientFor(provider.address ?? options.address, {
        headers: provider.headers,
        auth,
        insecureSkipVerify: provider.insecureSkipVerify,
      });
      return { kind: 'custom', query: collapseWhitespace(renderQuery(template.spec.query, model)), client };
    }
    if (metric.query) {
      return {
        kind: 'custom',
        query: collapseWhitespace(renderQuery(metric.query, model)),
        client: defaultClient(),
      };
    }
    if (isBuiltinMetric(metric.name)) {
      const set = builtinSet(canary);
      return {
        kind: 'builtin',
        set,
        metric: metric.name,
        query: collapseWhitespace(renderBuiltin(set, metric.name, model)),
      };
    }
    throw new AviaryError(
      'INVALID_SPEC',
      `metric ${metric.name} is not a builtin (request-success-rate, request-duration) and has neither templateRef ` +
        'nor query; add a templateRef to a MetricTemplate',
    );
  }

  async function run(
    client: PrometheusClient,
    query: string,
    hints?: DiagnosisHints,
  ): Promise<MetricReading> {
    const outcome = interpretQueryData(await client.query(query));
    if (outcome.kind !== 'no-data' || options.diagnose === false) return outcome;
    return { kind: 'no-data', reason: await diagnoseNoData(client, query, { hints, now }, outcome.reason) };
  }

  async function read(q: MetricQuery): Promise<MetricReading> {
    let p: Plan;
    try {
      p = await plan(q);
    } catch (err) {
      return { kind: 'error', reason: `metric ${q.metric.name}: ${errorText(err)}` };
    }
    try {
      if (p.kind === 'custom') return await run(p.client, p.query);
      const client = defaultClient();
      const hints = { labels: p.set.labelHints, metrics: p.set.metricHints };
      const [reading, samples] = await Promise.all([
        run(client, p.query, hints),
        requestCount(client, p.set, q).catch(() => undefined),
      ]);
      if (reading.kind !== 'value') return reading;
      const value = p.metric === 'request-duration' ? reading.value * p.set.durationToMs : reading.value;
      return samples === undefined ? { kind: 'value', value } : { kind: 'value', value, samples };
    } catch (err) {
      return { kind: 'error', reason: `metric ${q.metric.name}: ${errorText(err)}` };
    }
  }

  /** Requests the canary served in the metric's window (the sample size behind a builtin's value). */
  async function requestCount(client: PrometheusClient, set: BuiltinQueries, q: MetricQuery) {
    if (set.selectors.canary.length === 0) return undefined;
    const interval = q.metric.interval ?? (q.intervalMs > 0 ? formatDuration(q.intervalMs) : undefined);
    const model = templateModel(q.canary, interval ? { ...q.metric, interval } : q.metric);
    const queries = outcomeQueries(set, 'canary', model);
    const count = numberOf(await client.query(queries.requests));
    return count === undefined ? undefined : Math.round(count);
  }

  async function outcomes(canary: Canary, metric: CanaryMetric, sinceMs: number): Promise<OutcomeReading> {
    try {
      if (metric.templateRef || metric.query || !isBuiltinMetric(metric.name)) {
        return {
          kind: 'error',
          reason: `metric ${metric.name}: compareWithPrimary needs a builtin metric (request-success-rate or request-duration); custom queries cannot be split by version`,
        };
      }
      const set = builtinSet(canary);
      const windowMs = Math.max(1000, Math.ceil((now() - sinceMs) / 1000) * 1000);
      const model = templateModel(canary, metric, windowMs);
      const client = defaultClient();
      const withLatency = metric.name === 'request-duration';
      const [canarySample, primarySample] = await Promise.all([
        versionSample(client, outcomeQueries(set, 'canary', model), withLatency),
        versionSample(client, outcomeQueries(set, 'primary', model), withLatency),
      ]);
      for (const [version, s] of [
        ['canary', canarySample],
        ['primary', primarySample],
      ] as const) {
        if (typeof s === 'string') {
          const headline = `no requests counted for the ${version} in the last ${formatDuration(windowMs)}`;
          const hints = { labels: set.labelHints, metrics: set.metricHints };
          const reason =
            options.diagnose === false ? headline : await diagnoseNoData(client, s, { hints, now }, headline);
          return { kind: 'no-data', reason };
        }
      }
      return {
        kind: 'outcomes',
        canary: canarySample as VersionSample,
        primary: primarySample as VersionSample,
      };
    } catch (err) {
      return { kind: 'error', reason: `metric ${metric.name}: ${errorText(err)}` };
    }
  }

  /** A version's counts, or the requests query (to diagnose) when it returned nothing. */
  async function versionSample(
    client: PrometheusClient,
    queries: OutcomeQueries,
    withLatency: boolean,
  ): Promise<VersionSample | string> {
    const [requests, errors, buckets] = await Promise.all([
      client.query(queries.requests),
      client.query(queries.errors),
      withLatency && queries.latencyBuckets ? client.query(queries.latencyBuckets) : undefined,
    ]);
    const requestCount = numberOf(requests);
    if (requestCount === undefined) return queries.requests;
    // An errors query selects only 5xx series; none means zero errors, not missing data.
    const errorCount = numberOf(errors) ?? 0;
    const sample: VersionSample = { requests: Math.round(requestCount), errors: Math.round(errorCount) };
    if (buckets) sample.latenciesMs = latencySample(bucketsOf(buckets), queries.latencyToMs);
    return sample;
  }

  /** Asks the Prometheus the metric would be read from for `vector(1)` (Flagger's IsOnline). */
  async function online(q: MetricQuery): Promise<ProviderCheck> {
    const ownAddress = q.metric.templateRef ? q.template?.spec.provider.address : undefined;
    let client = defaultClient();
    try {
      const p = await plan(q);
      if (p.kind === 'custom') client = p.client;
      await client.online();
      return { server: `Prometheus at ${client.address}`, online: true };
    } catch (err) {
      const fix = ownAddress
        ? `check spec.provider.address of MetricTemplate ${q.template?.metadata.name ?? ''}`
        : "check spec.metricsServer or the controller's --metrics-server";
      return {
        server: `Prometheus at ${client.address}`,
        online: false,
        reason: `${errorText(err)}; ${fix}`,
      };
    }
  }

  return { read, outcomes, online };
}

function bucketsOf(data: QueryData): { le: number; count: number }[] {
  if (data.resultType !== 'vector') return [];
  return data.result
    .map((s) => ({ le: parsePromFloat(s.metric['le']), count: parsePromFloat(s.value[1]) }))
    .filter((b) => !Number.isNaN(b.le) && Number.isFinite(b.count));
}
