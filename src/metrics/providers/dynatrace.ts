/**
 * Dynatrace: the metrics API v2, `GET /api/v2/metrics/query?metricSelector=...&resolution=Inf` over ten
 * metric intervals, with `Authorization: Api-Token <token>`. Dynatrace answers null for buckets without
 * data; null is no data here, never zero.
 */
import { baseAddress, secretKey } from './secret-keys.js';
import { fetchJson } from './http.js';
import { lookbackMs, type MetricProvider } from './types.js';
import { noData, readingOf, tooMany } from './value.js';

interface Answer {
  result?: { metricId?: string; data?: { dimensions?: string[]; values?: (number | null)[] }[] }[];
}

export const dynatrace: MetricProvider = {
  create(context) {
    const address = baseAddress(context);
    const headers = {
      Authorization: `Api-Token ${secretKey(context, 'dynatrace', 'dynatrace_token')}`,
      accept: 'application/json',
    };
    const call = (url: string) => ({
      provider: 'Dynatrace',
      url,
      headers,
      timeoutMs: context.timeoutMs,
      retries: context.retries,
    });
    return Promise.resolve({
      // Flagger's check: listing one metric descriptor answers 200.
      async online() {
        await fetchJson(call(`${address}/api/v2/metrics?pageSize=1`), 'dynatrace_token (scope metrics.read)');
      },
      async read(query, window) {
        const to = context.now();
        // resolution=Inf folds the whole from..to range into one value: in count mode, exactly the interval.
        const params = new URLSearchParams({
          metricSelector: query,
          resolution: 'Inf',
          from: String(to - lookbackMs(window)),
          to: String(to),
        });
        const body = await fetchJson<Answer>(
          call(`${address}/api/v2/metrics/query?${params.toString()}`),
          'dynatrace_token (scope metrics.read)',
        );
        const results = body.result ?? [];
        if (results.length > 1) return tooMany(results.length, 'metric results', 'select one metric');
        const data = results[0]?.data ?? [];
        if (data.length === 0)
          return noData(`Dynatrace has no data for ${results[0]?.metricId ?? 'the selector'} in the window`);
        if (data.length > 1) return tooMany(data.length, 'dimension tuples', 'aggregate with :splitBy()');
        return readingOf(data[0]?.values?.[0], 'Dynatrace value');
      },
    });
  },
};
