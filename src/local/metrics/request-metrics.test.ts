import { afterEach, describe, expect, it } from 'vitest';
import { WeightedProxy } from '../router/proxy.js';
import { startTestUpstream, type TestUpstream } from '../testing/upstream-server.js';
import { MetricsServer } from './metrics-server.js';
import { RequestMetrics } from './request-metrics.js';

/** Minimal Prometheus text-format parser: every non-comment line must be `name{labels} value`. */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) {
      if (line.startsWith('#')) expect(line).toMatch(/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (\S+)$/.exec(
      line,
    );
    expect(m, `not a Prometheus sample line: ${line}`).not.toBeNull();
    samples.set(`${m![1]}${m![2] ?? ''}`, Number(m![3]));
  }
  return samples;
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function fixture() {
  const upstreams: TestUpstream[] = [await startTestUpstream('primary'), await startTestUpstream('canary')];
  const metrics = new RequestMetrics();
  const proxy = new WeightedProxy({
    primary: { name: 'p', host: '127.0.0.1', port: upstreams[0]!.port },
    canary: { name: 'c', host: '127.0.0.1', port: upstreams[1]!.port },
    observer: metrics,
  });
  metrics.bindRoutes(() => proxy.getRoutes());
  const port = await proxy.listen(0);
  const server = new MetricsServer(metrics);
  const metricsPort = await server.listen(0);
  cleanup.push(
    () => proxy.close(),
    () => server.close(),
    ...upstreams.map((u) => () => u.close()),
  );
  return { proxy, port, metricsPort };
}

describe('router metrics on /metrics', () => {
  it('counts responses by version and status class in Prometheus text format', async () => {
    const { proxy, port, metricsPort } = await fixture();
    proxy.setRoutes({ primaryWeight: 50, canaryWeight: 50, mirrored: false });
    // Alternating split: requests 1,3,5,... primary; 2,4,6,... canary.
    for (let i = 0; i < 10; i++) await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    for (let i = 0; i < 4; i++) await fetch(`http://127.0.0.1:${port}/status/503`).then((r) => r.text());
    await fetch(`http://127.0.0.1:${port}/status/404`).then((r) => r.text());

    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheus(await res.text());
    expect(samples.get('aviary_requests_total{version="primary",code_class="2xx"}')).toBe(5);
    expect(samples.get('aviary_requests_total{version="canary",code_class="2xx"}')).toBe(5);
    expect(samples.get('aviary_requests_total{version="primary",code_class="5xx"}')).toBe(2);
    expect(samples.get('aviary_requests_total{version="canary",code_class="5xx"}')).toBe(2);
    expect(samples.get('aviary_requests_total{version="primary",code_class="4xx"}')).toBe(1);
    expect(samples.get('aviary_request_duration_milliseconds_count{version="primary"}')).toBe(8);
    expect(samples.get('aviary_request_duration_milliseconds_count{version="canary"}')).toBe(7);
    expect(samples.get('aviary_request_duration_milliseconds_bucket{le="+Inf",version="canary"}')).toBe(7);
    expect(samples.get('aviary_route_weight_percent{version="canary"}')).toBe(50);
  });

  it('counts router-generated 502s against the version that failed', async () => {
    const metrics = new RequestMetrics();
    const proxy = new WeightedProxy({
      primary: { name: 'p', host: '127.0.0.1', port: 1 },
      canary: { name: 'c', host: '127.0.0.1', port: 1 },
      observer: metrics,
    });
    cleanup.push(() => proxy.close());
    const port = await proxy.listen(0);
    await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    const samples = parsePrometheus(await metrics.text());
    expect(samples.get('aviary_requests_total{version="primary",code_class="5xx"}')).toBe(1);
    expect(metrics.window.summary('primary', Date.now() - 60_000)).toMatchObject({ requests: 1, errors: 1 });
  });
});
