/**
 * New Relic: the Insights query API, `GET /v1/accounts/<account>/query?nrql=...` with the query key in
 * `X-Query-Key`, the query suffixed `SINCE <interval> seconds ago` as Flagger does. New Relic has no
 * well-kept query client on npm (its Node package is the APM agent), so this is plain HTTP.
 */
import { baseAddress, secretKey } from './secret-keys.js';
import { fetchJson } from './http.js';
import type { MetricProvider } from './types.js';
import { noData, readingOf, tooMany } from './value.js';

interface Answer {
  error?: string;
  results?: Record<string, unknown>[];
  facets?: unknown[];
}

export const newrelic: MetricProvider = {
  create(context) {
    const address = baseAddress(context, 'https://insights-api.newrelic.com');
    const account = encodeURIComponent(secretKey(context, 'newrelic', 'newrelic_account_id'));
    const headers = {
      'X-Query-Key': secretKey(context, 'newrelic', 'newrelic_query_key'),
      accept: 'application/json',
    };
    const nrqlQuery = (nrql: string) =>
      fetchJson<Answer>(
        {
          provider: 'New Relic',
          url: `${address}/v1/accounts/${account}/query?${new URLSearchParams({ nrql }).toString()}`,
          headers,
          timeoutMs: context.timeoutMs,
          retries: context.retries,
        },
        'newrelic_query_key and newrelic_account_id',
      );
    return Promise.resolve({
      // Flagger asks for every Metric row; one count is the same proof without the payload.
      async online() {
        await nrqlQuery('SELECT count(*) FROM Metric SINCE 1 minute ago');
      },
      async read(query, window) {
        const since = Math.max(1, Math.floor(window.intervalMs / 1000));
        const body = await nrqlQuery(`${query} SINCE ${since} seconds ago`);
        if (body.facets) return tooMany(body.facets.length, 'facets', 'remove FACET');
        const results = body.results ?? [];
        if (results.length !== 1) {
          return results.length === 0
            ? noData('New Relic returned no results')
            : tooMany(results.length, 'results', 'select one aggregate');
        }
        // `SELECT count(*)` answers {"count": n}; arithmetic answers {"result": n}: take the one field.
        const fields = Object.entries(results[0] ?? {});
        if (fields.length !== 1)
          return tooMany(
            fields.length,
            `fields (${fields.map(([k]) => k).join(', ')})`,
            'select one aggregate',
          );
        return readingOf(fields[0]?.[1], `New Relic result ${fields[0]?.[0] ?? ''}`);
      },
    });
  },
};
