/**
 * New Relic against a local server answering the documented shape of the Insights query API
 * (GET /v1/accounts/<id>/query?nrql=..., https://docs.newrelic.com/docs/apis/insights-apis/query-insights-event-data-api/):
 * no New Relic runs here.
 */
import { describe, expect, it } from 'vitest';
import { NOW, canary, online, read, source, template } from './fixtures.js';
import { suiteServer } from './recording-server.js';

const secrets = { nr: { newrelic_account_id: '1234567', newrelic_query_key: 'NRIQ-query-key' } };
const server = suiteServer();

describe('newrelic', () => {
  const t = (query: string) =>
    template({ type: 'newrelic', address: server.url, secretRef: { name: 'nr' } }, query);

  it('sends the NRQL with SINCE <interval> and the query key, and reads the one aggregate', async () => {
    server.answer(() => ({ body: { results: [{ result: 1.25 }] } }));
    const query =
      "SELECT filter(count(*), WHERE error IS true) / count(*) * 100 FROM Transaction WHERE appName = '{{ target }}'";
    expect(await read(source({ secrets }), t(query), { interval: '2m' })).toEqual({
      kind: 'value',
      value: 1.25,
    });
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe('/v1/accounts/1234567/query');
    expect(sent.query.get('nrql')).toBe(
      "SELECT filter(count(*), WHERE error IS true) / count(*) * 100 FROM Transaction WHERE appName = 'podinfo' SINCE 120 seconds ago",
    );
    expect(sent.headers['x-query-key']).toBe('NRIQ-query-key');
  });

  it('count(*) answers {"count": n}: read as well; null, no results and FACET are not a value', async () => {
    server.answer(() => ({ body: { results: [{ count: 42 }] } }));
    expect(await read(source({ secrets }), t('SELECT count(*) FROM Transaction'))).toEqual({
      kind: 'value',
      value: 42,
    });
    server.answer(() => ({ body: { results: [{ result: null }] } }));
    expect(await read(source({ secrets }), t('SELECT average(duration) FROM Transaction'))).toMatchObject({
      kind: 'no-data',
    });
    server.answer(() => ({ body: { results: [] } }));
    expect(await read(source({ secrets }), t('SELECT x FROM y'))).toMatchObject({ kind: 'no-data' });
    server.answer(() => ({ body: { facets: [{ name: 'a' }, { name: 'b' }], totalResult: { results: [] } } }));
    expect(await read(source({ secrets }), t('SELECT count(*) FROM T FACET appName'))).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/2 facets; remove FACET/),
    });
  });

  it('a rejected query key is reported without the key', async () => {
    server.answer(() => ({ status: 401, body: { error: 'Invalid query key NRIQ-query-key' } }));
    const reading = await read(source({ secrets }), t('SELECT count(*) FROM T'));
    expect(reading).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/HTTP 401.*\[secret nr\/newrelic_query_key\].*check newrelic_query_key/),
    });
    expect(JSON.stringify(reading)).not.toContain('NRIQ-query-key');
  });

  it('compareWithPrimary: the count template counts requests and errors of canary and primary', async () => {
    const counts: Record<string, number> = {
      'podinfo:all': 500,
      'podinfo:err': 5,
      'podinfo-primary:all': 1500,
      'podinfo-primary:err': 3,
    };
    server.answer((r) => {
      const nrql = r.query.get('nrql') ?? '';
      const app = /appName = '([\w-]+)'/.exec(nrql)?.[1] ?? '';
      return {
        body: {
          results: [{ count: counts[`${app}:${nrql.includes('error IS true') ? 'err' : 'all'}`] ?? null }],
        },
      };
    });
    const counting = t(
      "SELECT count(*) FROM Transaction WHERE appName = '{{ target }}' {{ index variables outcome }}",
    );
    counting.metadata.name = 'nr-counting';
    const metric = {
      name: 'request-success-rate',
      templateRef: { name: 'nr-counting' },
      templateVariables: { requests: '', errors: 'AND error IS true' },
      compareWithPrimary: {},
    };
    expect(await source({ secrets, templates: [counting] }).outcomes!(canary, metric, NOW - 300_000)).toEqual(
      {
        kind: 'outcomes',
        canary: { requests: 500, errors: 5 },
        primary: { requests: 1500, errors: 3 },
      },
    );
    expect(server.requests.at(-1)!.query.get('nrql')).toMatch(/SINCE 300 seconds ago$/);
  });

  it('online: one NRQL count over the last minute with the query key; a refused key is offline', async () => {
    server.answer(() => ({ body: { results: [{ count: 42 }] } }));
    expect(await online(source({ secrets }), t('SELECT 1'))).toMatchObject({ online: true });
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe('/v1/accounts/1234567/query');
    expect(sent.query.get('nrql')).toBe('SELECT count(*) FROM Metric SINCE 1 minute ago');
    expect(sent.headers['x-query-key']).toBe('NRIQ-query-key');
    server.answer(() => ({ status: 403, body: { error: 'Invalid query key' } }));
    expect(await online(source({ secrets }), t('SELECT 1'))).toMatchObject({
      online: false,
      reason: expect.stringMatching(/HTTP 403.*check newrelic_query_key/),
    });
  });
});
