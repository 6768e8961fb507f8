/**
 * A metrics endpoint whose values the test sets: serves Prometheus text format on `/metrics`, counts scrapes so
 * a test can wait for Prometheus to have seen a change, and has helpers for Istio-shaped traffic.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Labels = Record<string, string>;
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'untyped';

interface Family {
  type: MetricType;
  series: Map<string, { labels: Labels; value: number }>;
}

export interface Exporter {
  /** `127.0.0.1:<port>` (a scrape target). */
  readonly target: string;
  /** Scrapes served so far. */
  readonly scrapes: number;
  set(name: string, labels: Labels, value: number, type?: MetricType): void;
  add(name: string, labels: Labels, delta: number, type?: MetricType): void;
  /**
   * Records `count` observations of `valueMs` in histogram `name` (cumulative `_bucket{le}`, `_sum`, `_count`).
   * Buckets must be the same for every call on one histogram.
   */
  observe(name: string, labels: Labels, value: number, count?: number, buckets?: readonly number[]): void;
  /** Drops every series of a metric (or all metrics). */
  clear(name?: string): void;
  /** Resolves after `n` more scrapes have been served (default 1). */
  waitForScrapes(n?: number, timeoutMs?: number): Promise<void>;
  /** The text Prometheus gets. */
  render(): string;
  close(): Promise<void>;
}

export const DEFAULT_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

const key = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const formatLabels = (labels: Labels) => {
  const entries = Object.entries(labels);
  return entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`;
};
const formatValue = (v: number) => (v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));

export async function startExporter(): Promise<Exporter> {
  const families = new Map<string, Family>();
  let scrapes = 0;
  let waiters: { at: number; resolve: () => void }[] = [];

  const family = (name: string, type: MetricType) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { type, series: new Map() }));
    return f;
  };
  const set = (name: string, labels: Labels, value: number, type: MetricType = 'untyped') => {
    family(name, type).series.set(key(labels), { labels, value });
  };
  const add = (name: string, labels: Labels, delta: number, type: MetricType = 'counter') => {
    const f = family(name, type);
    const current = f.series.get(key(labels))?.value ?? 0;
    f.series.set(key(labels), { labels, value: current + delta });
  };

  const render = () => {
    const lines: string[] = [];
    for (const [name, f] of families) {
      // Histogram series are stored under their full names (`_bucket`, `_sum`, `_count`) and typed untyped.
      if (f.type !== 'untyped') lines.push(`# TYPE ${name} ${f.type}`);
      for (const { labels, value } of f.series.values())
        lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
    }
    return `${lines.join('\n')}\n`;
  };

  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/metrics')) {
      const body = render();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(body, () => {
        scrapes++;
        const due = waiters.filter((w) => w.at <= scrapes);
        waiters = waiters.filter((w) => w.at > scrapes);
        // Prometheus appends the samples just after reading the body; give it a moment.
        setTimeout(() => due.forEach((w) => w.resolve()), 150);
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    target: `127.0.0.1:${port}`,
    get scrapes() {
      return scrapes;
    },
    set,
    add,
    observe(name, labels, value, count = 1, buckets = DEFAULT_BUCKETS_MS) {
      for (const le of [...buckets, Infinity]) {
        add(`${name}_bucket`, { ...labels, le: formatValue(le) }, value <= le ? count : 0, 'untyped');
      }
      add(`${name}_sum`, labels, value * count, 'untyped');
      add(`${name}_count`, labels, count, 'untyped');
    },
    clear(name) {
      if (name === undefined) families.clear();
      else for (const n of [name, `${name}_bucket`, `${name}_sum`, `${name}_count`]) families.delete(n);
    },
    waitForScrapes(n = 1, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `exporter: no ${n} scrape(s) within ${timeoutMs} ms (is Prometheus scraping ${port}?)`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          at: scrapes + n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    render,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Labels Istio's sidecar puts on `istio_requests_total` for requests a workload received. */
export function istioLabels(workload: string, namespace: string, responseCode = 200): Labels {
  return {
    reporter: 'destination',
    destination_workload: workload,
    destination_workload_namespace: namespace,
    destination_service_name: workload.replace(/-primary$/, ''),
    response_code: String(responseCode),
  };
}

/**
 * Adds Istio-shaped traffic for a workload: `ok` 200s and `errors` 500s to istio_requests_total, and their
 * latencies to istio_request_duration_milliseconds (without response_code, like a p99 query sums it away).
 */
export function istioTraffic(
  exporter: Exporter,
  traffic: { workload: string; namespace: string; ok?: number; errors?: number; latencyMs?: number },
): void {
  const { workload, namespace, ok = 0, errors = 0, latencyMs = 20 } = traffic;
  exporter.add('istio_requests_total', istioLabels(workload, namespace, 200), ok);
  exporter.add('istio_requests_total', istioLabels(workload, namespace, 500), errors);
  const { response_code: _code, ...histogramLabels } = istioLabels(workload, namespace);
  exporter.observe('istio_request_duration_milliseconds', histogramLabels, latencyMs, ok + errors);
}
