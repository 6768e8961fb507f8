/**
 * The Prometheus metric source against a real Prometheus scraping an exporter whose counters the test sets.
 * One Prometheus per file; traffic is written once, then every test reads it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Canary, CanaryMetric, MetricTemplate } from '../../src/api/types.js';
import type { MetricReading, MetricSource } from '../../src/engine/ports.js';
import { createWorld } from '../../src/engine/testing/index.js';
import { closedPort } from '../../src/hooks/testing.js';
import {
  istioTraffic,
  requirePrometheus,
  startExporter,
  startPrometheus,
  type Exporter,
  type RunningPrometheus,
} from './index.js';
import { createPrometheusMetricSource } from '../../src/metrics/prometheus/source.js';

const available = requirePrometheus();

function canary(namespace: string, target = 'podinfo', provider?: Canary['spec']['provider']): Canary {
  return {
    apiVersion: 'aviary.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace },
    spec: {
      ...(provider ? { provider } : {}),
      targetRef: { kind: 'Deployment', name: target },
      service: { port: 9898 },
      analysis: {},
    },
  };
}

const reason = (r: MetricReading) => (r.kind === 'value' ? `value ${r.value}` : r.reason);

describe.skipIf(!available)('Prometheus metric source with a real Prometheus', () => {
  let exporter: Exporter;
  let prometheus: RunningPrometheus;
  let source: ReturnType<typeof createPrometheusMetricSource>;
  let trafficAt = 0;

  beforeAll(async () => {
    exporter = await startExporter();
    // Every series exists at zero before traffic, so rate() sees the increase.
    for (const [ns, workload] of [
      ['test', 'podinfo'],
      ['test', 'podinfo-primary'],
      ['wrong', 'podinfo-v2'],
      ['wrong', 'podinfo-primary'],
      ['idle', 'podinfo'],
    ] as const) {
      istioTraffic(exporter, { workload, namespace: ns });
    }
    istioTraffic(exporter, { workload: 'podinfo', namespace: 'idle', ok: 50 }); // constant: never increases
    prometheus = await startPrometheus({ targets: [exporter.target] });
    await exporter.waitForScrapes(1);

    trafficAt = Date.now();
    istioTraffic(exporter, { workload: 'podinfo', namespace: 'test', ok: 90, latencyMs: 20 });
    istioTraffic(exporter, { workload: 'podinfo', namespace: 'test', ok: 5, errors: 5, latencyMs: 400 });
    istioTraffic(exporter, { workload: 'podinfo-primary', namespace: 'test', ok: 100, latencyMs: 20 });
    istioTraffic(exporter, { workload: 'podinfo-v2', namespace: 'wrong', ok: 10 });
    istioTraffic(exporter, { workload: 'podinfo-primary', namespace: 'wrong', ok: 10 });
    await exporter.waitForScrapes(2);
    source = createPrometheusMetricSource({ address: prometheus.url, provider: 'istio' });
  }, 30_000);

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
  });

  const read = (c: Canary, metric: CanaryMetric, template?: MetricTemplate) =>
    source.read({ canary: c, metric, intervalMs: 60_000, ...(template ? { template } : {}) });

  it('istio request-success-rate: 95 ok / 5 errors is 95%, with the request count as samples', async () => {
    const reading = await read(canary('test'), { name: 'request-success-rate', interval: '1m' });
    expect(reading.kind, reason(reading)).toBe('value');
    if (reading.kind !== 'value') return;
    expect(reading.value).toBeCloseTo(95, 1);
    expect(reading.samples).toBeGreaterThanOrEqual(95);
  });

  it('istio request-duration: p99 from histogram buckets, in ms', async () => {
    // 90 at 20 ms and 10 at 400 ms: the 99th request is 9/10 into the (250, 500] bucket.
    const reading = await read(canary('test'), { name: 'request-duration', interval: '1m' });
    expect(reading.kind, reason(reading)).toBe('value');
    if (reading.kind === 'value') expect(reading.value).toBeCloseTo(475, 0);
  });

  it('no data because of a label: names the matcher and the values that exist', async () => {
    const reading = await read(canary('wrong', 'podinfo'), { name: 'request-success-rate' });
    expect(reading.kind).toBe('no-data');
    expect(reason(reading)).toContain(
      'query returned no data: no series of istio_requests_total{reporter="destination",destination_workload_namespace="wrong"} ' +
        'has destination_workload=~"podinfo" (values seen in the last 1h: podinfo-primary, podinfo-v2)',
    );
    expect(reason(reading)).toContain('only the primary (podinfo-primary) received traffic');
    expect(reason(reading)).toContain('check the label: Istio sets it to the name of the Deployment');
  });

  it('no data because the metric does not exist: says so, with similar metrics', async () => {
    const reading = await read(canary('test'), {
      name: 'old-duration',
      query:
        'histogram_quantile(0.99, sum(rate(istio_request_duration_seconds_bucket{destination_workload="{{ target }}"}[{{ interval }}])) by (le))',
    });
    expect(reading.kind).toBe('no-data');
    expect(reason(reading)).toMatch(
      /^query returned no data: metric istio_request_duration_seconds_bucket does not exist in Prometheus \(no series in the last 1h\) — is the mesh's telemetry scraped/,
    );
    expect(reason(reading)).toContain(
      'similar metrics that do exist: istio_request_duration_milliseconds_bucket',
    );
  });

  it('builtin of another mesh whose metrics are not scraped: the mesh-specific hint', async () => {
    const reading = await read(canary('test', 'podinfo', 'linkerd'), { name: 'request-success-rate' });
    expect(reason(reading)).toMatch(/metric response_total does not exist in Prometheus .* linkerd-proxy/);
  });

  it('no data because no requests arrived in the window: says to add a load test', async () => {
    const reading = await read(canary('idle'), { name: 'request-success-rate', interval: '1m' });
    expect(reading.kind).toBe('no-data');
    expect(reason(reading)).toMatch(
      /^query returned NaN .*: istio_requests_total\{.*destination_workload=~"podinfo".*\} did not increase in the last 1m/,
    );
    expect(reason(reading)).toContain('add a load-test webhook');
  });

  it('templateRef with variables', async () => {
    const template: MetricTemplate = {
      apiVersion: 'aviary.dev/v1beta1',
      kind: 'MetricTemplate',
      metadata: { name: 'error-rate', namespace: 'test' },
      spec: {
        provider: { type: 'prometheus', address: prometheus.url },
        query: `
          sum(rate(istio_requests_total{destination_workload_namespace="{{ namespace }}",destination_workload=~"{{ target }}",response_code=~"{{ variables.codes }}"}[{{ interval }}]))
          / sum(rate(istio_requests_total{destination_workload_namespace="{{ namespace }}",destination_workload=~"{{ target }}"}[{{ interval }}])) * 100`,
      },
    };
    const reading = await read(
      canary('test'),
      {
        name: 'error-rate',
        templateRef: { name: 'error-rate' },
        templateVariables: { codes: '5.*' },
        interval: '1m',
      },
      template,
    );
    expect(reading.kind, reason(reading)).toBe('value');
    if (reading.kind === 'value') expect(reading.value).toBeCloseTo(5, 1);
  });

  it('a query returning several series is an error', async () => {
    const reading = await read(canary('test'), {
      name: 'per-workload',
      query:
        'sum by (destination_workload) (rate(istio_requests_total{destination_workload_namespace="test"}[1m]))',
    });
    expect(reading).toMatchObject({
      kind: 'error',
      reason: expect.stringContaining('query returned 2 series; aggregate with sum()'),
    });
  });

  it('outcomes: canary and primary requests, errors and latencies', async () => {
    const result = await source.outcomes!(canary('test'), { name: 'request-duration' }, trafficAt - 30_000);
    expect(result.kind, JSON.stringify(result).slice(0, 400)).toBe('outcomes');
    if (result.kind !== 'outcomes') return;
    expect(result.canary.requests).toBeGreaterThanOrEqual(95);
    expect(result.canary.requests).toBeLessThanOrEqual(130);
    expect(result.canary.errors / result.canary.requests).toBeCloseTo(0.05, 2);
    expect(result.primary.errors).toBe(0);
    expect(result.primary.requests).toBeGreaterThanOrEqual(95);
    const canaryP99 = [...result.canary.latenciesMs!].sort((a, b) => a - b)[
      Math.floor(result.canary.latenciesMs!.length * 0.99)
    ]!;
    expect(canaryP99).toBeGreaterThan(250);
    expect(Math.max(...result.primary.latenciesMs!)).toBeLessThanOrEqual(25);
  });

  it('outcomes with no canary traffic: no data, explained', async () => {
    const result = await source.outcomes!(
      canary('wrong'),
      { name: 'request-success-rate' },
      Date.now() - 60_000,
    );
    expect(result).toMatchObject({
      kind: 'no-data',
      reason: expect.stringContaining('no requests counted for the canary'),
    });
    expect(result.kind !== 'outcomes' && result.reason).toContain('has destination_workload=~"podinfo"');
  });

  it('online: vector(1) answered by the real Prometheus; a closed port, or a template pointing at one, is offline with the fix', async () => {
    const builtin = { canary: canary('test'), metric: { name: 'request-success-rate' }, intervalMs: 0 };
    expect(await source.online!(builtin)).toEqual({
      server: `Prometheus at ${prometheus.url}`,
      online: true,
    });

    const down = await closedPort();
    const closed = createPrometheusMetricSource({ address: down, retryDelayMs: 10 });
    expect(await closed.online!(builtin)).toMatchObject({
      server: `Prometheus at ${down}`,
      online: false,
      reason: expect.stringMatching(
        /cannot reach Prometheus at http:\/\/127.0.0.1:\d+.*ECONNREFUSED.*check spec.metricsServer or the controller's --metrics-server/,
      ),
    });
    const template: MetricTemplate = {
      apiVersion: 'aviary.dev/v1beta1',
      kind: 'MetricTemplate',
      metadata: { name: 'elsewhere', namespace: 'test' },
      spec: { provider: { type: 'prometheus', address: down }, query: 'up' },
    };
    const viaTemplate = { ...builtin, metric: { name: 'up', templateRef: { name: 'elsewhere' } }, template };
    expect(await source.online!(viaTemplate)).toMatchObject({
      online: false,
      reason: expect.stringMatching(/check spec.provider.address of MetricTemplate elsewhere$/),
    });
  });

  it('the engine initializing a canary says the real Prometheus is available, and names an unreachable one', async () => {
    const initialize = async (metrics: MetricSource) => {
      const world = createWorld({ wrap: (ports) => ({ ...ports, metrics }) });
      await world.runUntil('Initialized', 5);
      return world.events.events.filter((e) => e.message !== 'Initialization done! podinfo.test');
    };
    expect(await initialize(source)).toEqual([
      { type: 'Normal', reason: 'Synced', message: 'all the metrics providers are available!' },
    ]);
    const down = await closedPort();
    const unreachable = createPrometheusMetricSource({ address: down, retryDelayMs: 10 });
    const [warning] = await initialize(unreachable);
    expect(warning?.type).toBe('Warning');
    expect(warning?.message).toMatch(
      /^Error checking metric providers: Prometheus at http:\/\/127.0.0.1:(\d+) is offline: cannot reach Prometheus at http:\/\/127.0.0.1:\1: .*ECONNREFUSED.*; check spec.metricsServer or the controller's --metrics-server$/,
    );
  });
});
