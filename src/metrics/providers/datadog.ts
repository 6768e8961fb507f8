/**
 * Datadog: `GET /api/v1/query` (the metrics query API) with the API and application keys as headers, over
 * ten metric intervals as Flagger does. The first (oldest) point is the value: the newest bucket is
 * usually incomplete. Hand-written HTTP rather than @datadog/datadog-api-client: that package unpacks to
 * 141 MB (every v1 and v2 API) for this one GET.
 */
import { baseAddress, secretKey } from './secret-keys.js';
import { fetchJson } from './http.js';
import { lookbackMs, type MetricProvider } from './types.js';
import { noData, readingOf, sumOf, tooMany } from './value.js';

interface Answer {
  status?: string;
  error?: string;
  series?: { pointlist?: (number | null)[][]; scope?: string; expression?: string }[];
}

export const datadog: MetricProvider = {
  create(context) {
    const address = baseAddress(context, 'https://api.datadoghq.com');
    const headers = {
      'DD-API-KEY': secretKey(context, 'datadog', 'datadog_api_key'),
      'DD-APPLICATION-KEY': secretKey(context, 'datadog', 'datadog_application_key'),
      accept: 'application/json',
    };
    const call = (url: string) => ({
      provider: 'Datadog',
      url,
      headers,
      timeoutMs: context.timeoutMs,
      retries: context.retries,
    });
    return Promise.resolve({
      // Flagger's check: the key validation endpoint answers 200.
      async online() {
        await fetchJson(call(`${address}/api/v1/validate`), 'datadog_api_key');
      },
      async read(query, window) {
        const to = Math.floor(context.now() / 1000);
        const from = to - Math.floor(lookbackMs(window) / 1000);
        const params = new URLSearchParams({ from: String(from), to: String(to), query });
        const body = await fetchJson<Answer>(
          call(`${address}/api/v1/query?${params.toString()}`),
          'datadog_api_key and datadog_application_key',
        );
        if (body.status === 'error')
          return { kind: 'error', reason: `Datadog rejected the query: ${body.error ?? ''}` };
        const series = body.series ?? [];
        if (series.length === 0) {
          return noData(
            `Datadog found no series for the query between ${new Date(from * 1000).toISOString()} and now; check the metric name and tags`,
          );
        }
        if (series.length > 1) {
          const scopes = series.slice(0, 3).map((s) => s.scope ?? '?');
          return tooMany(
            series.length,
            `series (${scopes.join(', ')})`,
            'drop the "by {...}" grouping or aggregate',
          );
        }
        if (window.mode === 'count')
          return sumOf(
            (series[0]?.pointlist ?? []).map((p) => p[1]),
            `Datadog series ${series[0]?.scope ?? ''}`,
          );
        const first = series[0]?.pointlist?.find((p) => p[1] !== null && p[1] !== undefined);
        if (!first) return noData(`Datadog series ${series[0]?.scope ?? ''} has no points in the window`);
        return readingOf(first[1], 'Datadog point');
      },
    });
  },
};
