/**
 * Splunk Observability against a local server answering the documented Server-Sent Events of
 * POST /v2/signalflow/execute (https://dev.splunk.com/observability/docs/signalflow/messages/):
 * no Splunk runs here.
 */
import { describe, expect, it } from 'vitest';
import { streamAddress } from '../../src/metrics/providers/splunk.js';
import { NOW, canary, online, read, source, template } from './fixtures.js';
import { suiteServer } from './recording-server.js';

const secrets = { sf: { sf_token_key: 'sf-token-abcdef' } };
const server = suiteServer();

const events = (...messages: [string, object][]) =>
  messages.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');
const control = (event: string) => ['control-message', { event, timestampMs: 1 }] as [string, object];

describe('splunk (SignalFlow)', () => {
  const t = () =>
    template(
      { type: 'splunk', address: server.url, secretRef: { name: 'sf' } },
      "data('requests.count', filter=filter('app', '{{ target }}')).sum().publish()",
    );

  it('POSTs the program with start/stop over ten intervals and the token, and reads the newest point', async () => {
    server.answer(() => ({
      headers: { 'content-type': 'text/event-stream' },
      body: events(
        control('STREAM_START'),
        control('JOB_START'),
        ['data', { logicalTimestampMs: 1, data: [{ tsId: 'AAA', value: 10 }] }],
        ['data', { logicalTimestampMs: 2, data: [{ tsId: 'AAA', value: 12 }] }],
        control('END_OF_CHANNEL'),
      ),
    }));
    expect(await read(source({ secrets }), t())).toEqual({ kind: 'value', value: 12 });
    const sent = server.requests.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v2/signalflow/execute');
    expect(sent.body).toBe("data('requests.count', filter=filter('app', 'podinfo')).sum().publish()");
    expect(Number(sent.query.get('stop')) - Number(sent.query.get('start'))).toBe(600_000);
    expect(sent.query.get('immediate')).toBe('true');
    expect(sent.headers['x-sf-token']).toBe('sf-token-abcdef');
  });

  it('no points is no data; two time series an error; an aborted channel an error', async () => {
    server.answer(() => ({ body: events(control('STREAM_START'), control('END_OF_CHANNEL')) }));
    expect(await read(source({ secrets }), t())).toMatchObject({ kind: 'no-data' });
    server.answer(() => ({
      body: events([
        'data',
        {
          data: [
            { tsId: 'A', value: 1 },
            { tsId: 'B', value: 2 },
          ],
        },
      ]),
    }));
    expect(await read(source({ secrets }), t())).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/2 time series/),
    });
    server.answer(() => ({
      body: events([
        'control-message',
        { event: 'CHANNEL_ABORT', abortInfo: { sf_job_abortReason: 'syntax' } },
      ]),
    }));
    expect(await read(source({ secrets }), t())).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/stopped the program.*syntax/),
    });
  });

  it("Flagger's address forms all mean the stream host", () => {
    expect(streamAddress('https://api.us1.signalfx.com')).toBe('https://stream.us1.signalfx.com');
    expect(streamAddress('wss://stream.eu0.signalfx.com')).toBe('https://stream.eu0.signalfx.com');
  });

  it('a count template adds up the points of exactly the window since the analysis began', async () => {
    server.answer((r) => {
      const errors = r.body.includes("'sf_error', 'true'");
      const primary = r.body.includes('podinfo-primary');
      const per = errors ? (primary ? 0 : 3) : primary ? 300 : 100;
      return {
        body: events(
          ['data', { data: [{ tsId: 'A', value: per }] }],
          ['data', { data: [{ tsId: 'A', value: per }] }],
        ),
      };
    });
    const counting = template(
      { type: 'splunk', address: server.url, secretRef: { name: 'sf' } },
      "data('spans.count', filter=filter('sf_service', '{{ target }}'){{ index variables outcome }}).sum().publish()",
    );
    counting.metadata.name = 'sf-counting';
    const metric = {
      name: 'request-success-rate',
      templateRef: { name: 'sf-counting' },
      templateVariables: { requests: '', errors: " and filter('sf_error', 'true')" },
      compareWithPrimary: {},
    };
    expect(await source({ secrets, templates: [counting] }).outcomes!(canary, metric, NOW - 60_000)).toEqual({
      kind: 'outcomes',
      canary: { requests: 200, errors: 6 },
      primary: { requests: 600, errors: 0 },
    });
    const sent = server.requests.at(-1)!;
    expect(Number(sent.query.get('stop')) - Number(sent.query.get('start'))).toBe(60_000);
  });

  it("online: Flagger's one-metric listing on the REST API with the token; a refused token is offline", async () => {
    server.answer(() => ({ body: { count: 1, results: [{ name: 'requests' }] } }));
    expect(await online(source({ secrets }), t())).toMatchObject({ online: true });
    const sent = server.requests.at(-1)!;
    expect(`${sent.method} ${sent.path}?${sent.query.toString()}`).toBe('GET /v2/metric?limit=1');
    expect(sent.headers['x-sf-token']).toBe('sf-token-abcdef');
    server.answer(() => ({ status: 401, body: { message: 'unauthorized' } }));
    expect(await online(source({ secrets }), t())).toMatchObject({
      online: false,
      reason: expect.stringMatching(/HTTP 401.*check sf_token_key/),
    });
  });
});
