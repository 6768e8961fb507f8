/**
 * InfluxDB against a local server answering the documented shape of POST /api/v2/query (annotated CSV,
 * https://docs.influxdata.com/influxdb/v2/api/#operation/PostQuery). Debian's influxdb package is 1.6.7,
 * which answers 404 on /api/v2/query (it predates Flux; checked by hand with flux-enabled = true), so it
 * cannot answer the query Flagger sends and is not used.
 */
import { describe, expect, it } from 'vitest';
import { online, read, source, template } from './fixtures.js';
import { suiteServer } from './recording-server.js';

const secrets = { influx: { token: 'influx-token-1234', org: 'aviary-org' } };
const server = suiteServer();

const csv = (rows: string[]) =>
  [
    '#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,double,string',
    '#group,false,false,true,true,false,true',
    '#default,_result,,,,,',
    ',result,table,_start,_stop,_value,app',
    ...rows,
    '',
  ].join('\r\n');

describe('influxdb (Flux)', () => {
  const t = () =>
    template(
      { type: 'influxdb', address: server.url, secretRef: { name: 'influx' } },
      'from(bucket: "k8s") |> range(start: -{{ interval }}) |> filter(fn: (r) => r.app == "{{ target }}") |> sum()',
    );

  it('POSTs the Flux query for the org with the token and reads _value', async () => {
    server.answer(() => ({
      headers: { 'content-type': 'text/csv' },
      body: csv([',_result,0,2026-12-01T11:59:00Z,2026-12-01T12:00:00Z,97.5,podinfo']),
    }));
    expect(await read(source({ secrets }), t())).toEqual({ kind: 'value', value: 97.5 });
    const sent = server.requests.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/api/v2/query');
    expect(sent.query.get('org')).toBe('aviary-org');
    expect(sent.headers['authorization']).toBe('Token influx-token-1234');
    expect(JSON.parse(sent.body)).toMatchObject({
      type: 'flux',
      query: 'from(bucket: "k8s") |> range(start: -1m) |> filter(fn: (r) => r.app == "podinfo") |> sum()',
    });
  });

  it('no rows is no data (Flagger returns 0 here); two tables are an error; an empty _value is no data', async () => {
    server.answer(() => ({ body: '\r\n' }));
    expect(await read(source({ secrets }), t())).toMatchObject({
      kind: 'no-data',
      reason: expect.stringMatching(/no rows/),
    });
    server.answer(() => ({ body: csv([',_result,0,a,b,1,x', ',_result,1,a,b,2,y']) }));
    expect(await read(source({ secrets }), t())).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/2 tables.*group\(\)/),
    });
    server.answer(() => ({ body: csv([',_result,0,a,b,,x']) }));
    expect(await read(source({ secrets }), t())).toMatchObject({ kind: 'no-data' });
  });

  it('a server without the Flux API (InfluxDB 1.6 answers 404) is named as such', async () => {
    server.answer(() => ({
      status: 404,
      headers: { 'content-type': 'text/plain' },
      body: '404 page not found',
    }));
    expect(await read(source({ secrets }), t())).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/has no Flux API.*1\.8\+/),
    });
  });

  it('online: lists one bucket through the Flux API with the token; a refused token is offline', async () => {
    server.answer(() => ({ body: csv([',_result,0,,,,']) }));
    expect(await online(source({ secrets }), t())).toMatchObject({ online: true });
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe('/api/v2/query');
    expect(JSON.parse(sent.body)).toMatchObject({ query: 'buckets() |> limit(n: 1)', type: 'flux' });
    expect(sent.headers['authorization']).toBe('Token influx-token-1234');
    server.answer(() => ({ status: 401, body: { code: 'unauthorized', message: 'unauthorized access' } }));
    expect(await online(source({ secrets }), t())).toMatchObject({
      online: false,
      reason: expect.stringMatching(/HTTP 401.*check token and org/),
    });
  });
});
