/**
 * Dynatrace against a local server answering the documented shape of GET /api/v2/metrics/query
 * (https://docs.dynatrace.com/docs/dynatrace-api/environment-api/metric-v2/get-data-points): no Dynatrace
 * runs here.
 */
import { describe, expect, it } from 'vitest';
import { NOW, canary, online, read, source, template } from './fixtures.js';
import { suiteServer } from './recording-server.js';

const secrets = { dt: { dynatrace_token: 'dt0c01.ABC.secret' } };
const server = suiteServer();

const answer = (values: (number | null)[][]) => ({
  totalCount: values.length,
  result: [
    {
      metricId: 'builtin:service.errors.total.rate',
      data: values.map((v, i) => ({ dimensions: [`S-${i}`], timestamps: [NOW], values: v })),
    },
  ],
});

describe('dynatrace', () => {
  const t = () =>
    template(
      { type: 'dynatrace', address: `${server.url}/e/abc12345`, secretRef: { name: 'dt' } },
      'builtin:service.errors.total.rate:filter(eq("dt.entity.service",{{ variables.service_id }})):avg',
    );

  it('sends the selector with resolution=Inf over ten intervals in milliseconds and the Api-Token header', async () => {
    server.answer(() => ({ body: answer([[0.5]]) }));
    const reading = await read(source({ secrets }), t(), {
      templateVariables: { service_id: 'SERVICE-123' },
    });
    expect(reading).toEqual({ kind: 'value', value: 0.5 });
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe('/e/abc12345/api/v2/metrics/query');
    expect(sent.query.get('metricSelector')).toBe(
      'builtin:service.errors.total.rate:filter(eq("dt.entity.service",SERVICE-123)):avg',
    );
    expect(sent.query.get('resolution')).toBe('Inf');
    expect(Number(sent.query.get('to')) - Number(sent.query.get('from'))).toBe(600_000);
    expect(sent.headers['authorization']).toBe('Api-Token dt0c01.ABC.secret');
  });

  it('null values are no data, several dimension tuples an error', async () => {
    const metric = { templateVariables: { service_id: 'S' } };
    server.answer(() => ({ body: answer([[null]]) }));
    expect(await read(source({ secrets }), t(), metric)).toMatchObject({ kind: 'no-data' });
    server.answer(() => ({ body: answer([]) }));
    expect(await read(source({ secrets }), t(), metric)).toMatchObject({
      kind: 'no-data',
      reason: expect.stringMatching(/no data for builtin/),
    });
    server.answer(() => ({ body: answer([[1], [2]]) }));
    expect(await read(source({ secrets }), t(), metric)).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/2 dimension tuples/),
    });
  });

  it('a count template reads exactly the window since the analysis began', async () => {
    server.answer((r) => {
      const selector = r.query.get('metricSelector') ?? '';
      const primary = selector.includes('SERVICE-2');
      return { body: answer([[selector.includes('errors') ? (primary ? 1 : 4) : primary ? 1000 : 400]]) };
    });
    const counting = template(
      { type: 'dynatrace', address: server.url, secretRef: { name: 'dt' } },
      'builtin:service.{{ index variables outcome }}:filter(eq("dt.entity.service",{{ index variables target }})):splitBy():sum',
    );
    counting.metadata.name = 'dt-counting';
    const metric = {
      name: 'request-success-rate',
      templateRef: { name: 'dt-counting' },
      templateVariables: {
        requests: 'requestCount.total',
        errors: 'errors.total.count',
        podinfo: 'SERVICE-1',
        'podinfo-primary': 'SERVICE-2',
      },
      compareWithPrimary: {},
    };
    expect(await source({ secrets, templates: [counting] }).outcomes!(canary, metric, NOW - 240_000)).toEqual(
      {
        kind: 'outcomes',
        canary: { requests: 400, errors: 4 },
        primary: { requests: 1000, errors: 1 },
      },
    );
    const sent = server.requests.at(-1)!;
    expect(Number(sent.query.get('to')) - Number(sent.query.get('from'))).toBe(240_000);
  });

  it("online: Flagger's one-descriptor listing with the token; a refused token is offline", async () => {
    server.answer(() => ({
      body: { totalCount: 1, metrics: [{ metricId: 'builtin:service.errors.total.rate' }] },
    }));
    expect(await online(source({ secrets }), t())).toMatchObject({ online: true });
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe('/e/abc12345/api/v2/metrics');
    expect(sent.query.get('pageSize')).toBe('1');
    expect(sent.headers['authorization']).toBe('Api-Token dt0c01.ABC.secret');
    server.answer(() => ({ status: 401, body: { error: { code: 401, message: 'Token is missing' } } }));
    expect(await online(source({ secrets }), t())).toMatchObject({
      online: false,
      reason: expect.stringMatching(/HTTP 401.*check dynatrace_token/),
    });
  });
});
