/**
 * Datadog against a local server answering the documented shape of GET /api/v1/query
 * (https://docs.datadoghq.com/api/latest/metrics/#query-timeseries-points): no Datadog runs here.
 */
import { describe, expect, it } from 'vitest';
import { NOW, canary, online, read, source, template } from './fixtures.js';
import { suiteServer } from './recording-server.js';

const secrets = { dd: { datadog_api_key: 'api-key-1234', datadog_application_key: 'app-key-5678' } };
const server = suiteServer();

const series = (points: (number | null)[][], scope = 'kube_deployment:podinfo') => ({
  status: 'ok',
  series: [{ scope, pointlist: points }],
});

describe('datadog', () => {
  const t = () =>
    template(
      { type: 'datadog', address: server.url, secretRef: { name: 'dd' } },
      'sum:trace.http.request.errors{kube_namespace:{{ namespace }},kube_deployment:{{ target }}}.as_count()',
    );

  it('sends the query with both keys as headers over ten intervals and reads the oldest point', async () => {
    server.answer(() => ({
      body: series([
        [NOW - 600_000, 3],
        [NOW - 60_000, 99],
      ]),
    }));
    const reading = await read(source({ secrets }), t(), { interval: '1m' });
    expect(reading).toEqual({ kind: 'value', value: 3 });
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe('/api/v1/query');
    expect(sent.query.get('query')).toBe(
      'sum:trace.http.request.errors{kube_namespace:test,kube_deployment:podinfo}.as_count()',
    );
    expect(Number(sent.query.get('to')) - Number(sent.query.get('from'))).toBe(600);
    expect(sent.headers['dd-api-key']).toBe('api-key-1234');
    expect(sent.headers['dd-application-key']).toBe('app-key-5678');
  });

  it('no series, null points and several series are no data or an error, never a value', async () => {
    server.answer(() => ({ body: { status: 'ok', series: [] } }));
    expect(await read(source({ secrets }), t())).toMatchObject({
      kind: 'no-data',
      reason: expect.stringMatching(/no series/),
    });
    server.answer(() => ({ body: series([[NOW, null]]) }));
    expect(await read(source({ secrets }), t())).toMatchObject({ kind: 'no-data' });
    server.answer(() => ({
      body: { status: 'ok', series: [series([[NOW, 1]], 'a').series[0], series([[NOW, 2]], 'b').series[0]] },
    }));
    expect(await read(source({ secrets }), t())).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/2 series \(a, b\)/),
    });
  });

  it('a rejected key is FORBIDDEN-worded and no key ever appears in the reason', async () => {
    server.answer((r) => ({
      status: 403,
      body: { errors: [`Forbidden for key ${String(r.headers['dd-api-key'])}`] },
    }));
    const reading = await read(source({ secrets }), t());
    expect(reading.kind).toBe('error');
    const reason = (reading as { reason: string }).reason;
    expect(reason).toMatch(/HTTP 403.*check datadog_api_key/);
    expect(reason).not.toContain('api-key-1234');
    expect(reason).toContain('[secret dd/datadog_api_key]');
  });

  it('a missing secret key names the key', async () => {
    const reading = await read(source({ secrets: { dd: { datadog_api_key: 'x' } } }), t());
    expect(reading).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/Secret dd .*no key "datadog_application_key"/),
    });
  });

  it('5xx is retried a bounded number of times', async () => {
    const before = server.requests.length;
    server.answer(() => ({ status: 503, body: 'busy' }));
    const reading = await read(source({ secrets }), t());
    expect(reading).toMatchObject({ kind: 'error', reason: expect.stringMatching(/HTTP 503/) });
    expect(server.requests.length - before).toBe(2); // the first attempt and one retry (fixtures: retries 1)
  });

  it('a server that never answers times out after the per-attempt timeout, without retrying', async () => {
    const before = server.requests.length;
    server.answer(() => new Promise(() => undefined));
    const reading = await read(source({ secrets, timeoutMs: 300 }), t());
    expect(reading).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/did not answer within 300ms/),
    });
    expect(server.requests.length - before).toBe(1);
  });

  it('compareWithPrimary: a count template is read for the canary and the primary series', async () => {
    const counts: Record<string, number> = {
      'hits:podinfo': 1000,
      'errors:podinfo': 30,
      'hits:podinfo-primary': 1000,
      'errors:podinfo-primary': 2,
    };
    server.answer((r) => {
      const m = /trace\.http\.request\.(\w+)\{kube_deployment:([\w-]+)\}/.exec(r.query.get('query') ?? '');
      const count = counts[`${m?.[1]}:${m?.[2]}`] ?? 0;
      // .as_count() answers one count per rollup bucket: the reader adds up the window's buckets
      return {
        body: series([
          [NOW - 60_000, count * 0.4],
          [NOW, count * 0.6],
        ]),
      };
    });
    const counting = template(
      { type: 'datadog', address: server.url, secretRef: { name: 'dd' } },
      'sum:trace.http.request.{{ index variables outcome }}{kube_deployment:{{ target }}}.as_count()',
    );
    counting.metadata.name = 'counting';
    const metric = {
      name: 'request-success-rate',
      templateRef: { name: 'counting' },
      templateVariables: { requests: 'hits', errors: 'errors' },
      compareWithPrimary: {},
    };
    const outcomes = await source({ secrets, templates: [counting] }).outcomes!(
      canary,
      metric,
      NOW - 120_000,
    );
    // exactly the window since the analysis began, not Flagger's ten intervals
    const sent = server.requests.at(-1)!;
    expect(Number(sent.query.get('to')) - Number(sent.query.get('from'))).toBe(120);
    expect(outcomes).toEqual({
      kind: 'outcomes',
      canary: { requests: 1000, errors: 30 },
      primary: { requests: 1000, errors: 2 },
    });
    // the same template as a threshold metric: success rate in percent, with the sample size for minSamples
    expect(await read(source({ secrets }), counting, metric)).toEqual({
      kind: 'value',
      value: 97,
      samples: 1000,
    });
  });

  it("online: Flagger's key validation endpoint answering 200; a refused key is offline and redacted", async () => {
    server.answer(() => ({ body: { valid: true } }));
    expect(await online(source({ secrets }), t())).toMatchObject({ online: true });
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe('/api/v1/validate');
    expect(sent.headers['dd-api-key']).toBe('api-key-1234');
    server.answer(() => ({ status: 403, body: { errors: ['Forbidden api-key-1234'] } }));
    const check = await online(source({ secrets }), t());
    expect(check).toMatchObject({
      online: false,
      reason: expect.stringMatching(/HTTP 403.*check datadog_api_key/),
    });
    expect(JSON.stringify(check)).not.toContain('api-key-1234');
  });
});
