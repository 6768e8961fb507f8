/**
 * Requests by version from metrics instead of from requests of our own: the growth of a counter on a
 * metrics page (Aviary's local router serves `aviary_requests_total{version}`) over a window, or a
 * Prometheus query whose result has one series per version (e.g. istio_requests_total by
 * destination_workload).
 */
import { PrometheusClient } from '../metrics/prometheus/index.js';
import { parsePromFloat } from '../metrics/prometheus/result.js';
import { AviaryError } from '../errors.js';

const MAX_PAGE_BYTES = 16 * 1024 * 1024;

/** Sums the samples of `metric` on a Prometheus text page by the value of `label`. */
export function countersByLabel(page: string, metric: string, label: string): Record<string, number> {
  const totals: Record<string, number> = {};
  const labelValue = new RegExp(`(?:^|,)\\s*${label}="((?:[^"\\\\]|\\\\.)*)"`);
  for (const line of page.split('\n')) {
    if (!line.startsWith(`${metric}{`) && !line.startsWith(`${metric} `)) continue;
    const close = line.lastIndexOf('}');
    const labels = close > 0 ? line.slice(metric.length + 1, close) : '';
    const value = parsePromFloat(
      line
        .slice(close > 0 ? close + 1 : metric.length)
        .trim()
        .split(/\s+/)[0],
    );
    const version = labelValue.exec(labels)?.[1];
    if (version === undefined || !Number.isFinite(value)) continue;
    totals[version] = (totals[version] ?? 0) + value;
  }
  return totals;
}

async function fetchPage(url: string, timeoutMs: number): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new AviaryError(
      'UNAVAILABLE',
      `--metrics-url ${url}: ${(err as Error).message}${cause ? ` (${cause})` : ''}`,
      {
        cause: err,
      },
    );
  }
  const text = await res.text();
  if (!res.ok)
    throw new AviaryError('INVALID_SPEC', `--metrics-url ${url}: HTTP ${res.status} ${text.slice(0, 200)}`);
  if (text.length > MAX_PAGE_BYTES)
    throw new AviaryError('INVALID_SPEC', `--metrics-url ${url}: page larger than 16 MiB`);
  return text;
}

export interface MetricsPageOptions {
  url: string;
  metric: string;
  label: string;
  windowMs: number;
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The growth of each version's counter between two reads `windowMs` apart. */
export async function countFromMetricsPage(options: MetricsPageOptions): Promise<Record<string, number>> {
  const { url, metric, label } = options;
  const before = countersByLabel(await fetchPage(url, options.timeoutMs), metric, label);
  await (options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(options.windowMs);
  const after = countersByLabel(await fetchPage(url, options.timeoutMs), metric, label);
  if (Object.keys(after).length === 0) {
    throw new AviaryError(
      'INVALID_SPEC',
      `--metrics-url ${url}: no ${metric} series with a ${label} label; check --metric and --label`,
    );
  }
  const counts: Record<string, number> = {};
  for (const [version, value] of Object.entries(after)) {
    const grown = value - (before[version] ?? 0);
    if (grown < 0)
      throw new AviaryError(
        'CONFLICT',
        `--metrics-url ${url}: ${metric}{${label}="${version}"} went down (a restart); run again`,
      );
    counts[version] = Math.round(grown);
  }
  return counts;
}

/** One instant query; each series' `label` names the version, its value the requests. */
export async function countFromPrometheus(options: {
  address: string;
  query: string;
  label: string;
  timeoutMs: number;
}): Promise<Record<string, number>> {
  const client = new PrometheusClient({ address: options.address, timeoutMs: options.timeoutMs });
  const data = await client.query(options.query);
  if (data.resultType !== 'vector') {
    throw new AviaryError(
      'INVALID_SPEC',
      `--query must return an instant vector, one series per version; it returned a ${data.resultType}`,
    );
  }
  const counts: Record<string, number> = {};
  for (const series of data.result) {
    const version = series.metric[options.label];
    if (version === undefined) {
      throw new AviaryError(
        'INVALID_SPEC',
        `--query returned a series without the label ${options.label} (${JSON.stringify(series.metric)}); ` +
          `aggregate with "sum by (${options.label}) (...)"`,
      );
    }
    counts[version] = (counts[version] ?? 0) + Math.round(parsePromFloat(series.value[1]));
  }
  return counts;
}
