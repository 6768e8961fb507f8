/** The client against a fake HTTP server (not Prometheus): headers, auth, timeouts, retries, error bodies. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Canary } from '../../api/types.js';
import { PrometheusClient } from './client.js';
import { createPrometheusMetricSource } from './source.js';

type Reply = { status: number; body: string; delayMs?: number; destroy?: boolean };

let server: Server;
let address = '';
let requests: { url: string; headers: IncomingHttpHeaders }[] = [];
let replies: Reply[] = [];

const vector = (...values: string[]) =>
  JSON.stringify({
    status: 'success',
    data: {
      resultType: 'vector',
      result: values.map((v, i) => ({ metric: { pod: `p${i}` }, value: [1, v] })),
    },
  });

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    const reply = replies.shift() ?? { status: 200, body: vector('1') };
    if (reply.destroy) {
      req.socket.destroy();
      return;
    }
    setTimeout(() => {
      if (res.destroyed) return;
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    }, reply.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  requests = [];
  replies = [];
});

const canary: Canary = {
  apiVersion: 'aviary.dev/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'test' },
  spec: { targetRef: { kind: 'Deployment', name: 'podinfo' }, service: { port: 9898 }, analysis: {} },
};

describe('Prometheus client', () => {
  it('sends the query with bearer token and custom headers', async () => {
    const client = new PrometheusClient({
      address: `${address}/prom/`,
      auth: { token: 't0k', username: 'ignored', password: 'x' },
      headers: { 'X-Scope-OrgID': ['tenant-a', 'tenant-b'] },
    });
    await client.query('sum(up)');
    expect(requests[0]?.url).toBe('/prom/api/v1/query?query=sum%28up%29');
    expect(requests[0]?.headers['authorization']).toBe('Bearer t0k');
    expect(requests[0]?.headers['x-scope-orgid']).toBe('tenant-a, tenant-b');
  });

  it('sends basic auth when there is no token', async () => {
    await new PrometheusClient({ address, auth: { username: 'u', password: 'p' } }).query('up');
    expect(requests[0]?.headers['authorization']).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('retries 5xx and reset connections, then succeeds', async () => {
    replies = [
      { status: 503, body: 'overloaded' },
      { status: 0, body: '', destroy: true },
    ];
    const client = new PrometheusClient({ address, retryDelayMs: 10 });
    expect(await client.query('up')).toMatchObject({ resultType: 'vector' });
    expect(requests).toHaveLength(3);
  });

  it('gives up after the retries with the status and the first line of the body', async () => {
    replies = Array.from({ length: 3 }, () => ({ status: 502, body: '\nbad gateway from proxy\nmore' }));
    const client = new PrometheusClient({ address, retries: 2, retryDelayMs: 10 });
    await expect(client.query('up')).rejects.toThrow(
      /answered HTTP 502 Bad Gateway: bad gateway from proxy$/,
    );
    expect(requests).toHaveLength(3);
  });

  it("does not retry a rejected query and reports Prometheus's error text", async () => {
    replies = [
      {
        status: 400,
        body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at char 5' }),
      },
    ];
    await expect(new PrometheusClient({ address }).query('sum(')).rejects.toThrow(
      'Prometheus rejected the request (bad_data): parse error at char 5',
    );
    expect(requests).toHaveLength(1);
  });

  it('401 says to check the credentials', async () => {
    replies = [{ status: 401, body: 'Unauthorized' }];
    await expect(new PrometheusClient({ address }).query('up')).rejects.toThrow(/HTTP 401.*secretRef/);
  });
});

describe('Prometheus metric source (fake server)', () => {
  const read = (source: ReturnType<typeof createPrometheusMetricSource>, query: string) =>
    source.read({ canary, metric: { name: 'custom', query }, intervalMs: 60_000 });

  it('a slow server is an error reading "timed out after 5s" (default timeout)', async () => {
    replies = [{ status: 200, body: vector('1'), delayMs: 6000 }];
    const source = createPrometheusMetricSource({ address });
    const started = Date.now();
    const reading = await read(source, 'up');
    expect(reading).toEqual({ kind: 'error', reason: expect.stringContaining('timed out after 5s') });
    expect(Date.now() - started).toBeLessThan(5900);
    expect(requests).toHaveLength(1);
  }, 10_000);

  it('multiple series is an error asking for sum()', async () => {
    replies = [{ status: 200, body: vector('1', '2') }];
    const reading = await read(createPrometheusMetricSource({ address }), 'up');
    expect(reading.kind).toBe('error');
    expect(reading.kind !== 'value' && reading.reason).toMatch(
      /query returned 2 series; aggregate with sum\(\)/,
    );
  });

  it('a matrix is an error; NaN and +Inf are no data', async () => {
    const source = createPrometheusMetricSource({ address, diagnose: false });
    replies = [
      {
        status: 200,
        body: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }),
      },
      { status: 200, body: vector('NaN') },
      { status: 200, body: vector('+Inf') },
      { status: 200, body: vector('42.5') },
    ];
    expect((await read(source, 'x[1m]')).kind).toBe('error');
    expect(await read(source, 'x')).toMatchObject({
      kind: 'no-data',
      reason: expect.stringContaining('NaN'),
    });
    expect(await read(source, 'x')).toMatchObject({ kind: 'no-data', reason: 'query returned +Inf' });
    expect(await read(source, 'x')).toEqual({ kind: 'value', value: 42.5 });
  });

  it('an inline query is rendered and whitespace-collapsed; a bad variable is an error reading', async () => {
    const source = createPrometheusMetricSource({ address });
    await read(source, 'sum(\n  up{ns="{{ namespace }}"}\n)');
    const sent = new URL(requests[0]!.url, address);
    expect(sent.searchParams.get('query')).toBe('sum( up{ns="test"} )');
    expect(await read(source, '{{ nope }}')).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/unknown variable \{\{ nope \}\}/),
    });
  });

  it("templateRef: the template's address, headers and resolved secret are used", async () => {
    const source = createPrometheusMetricSource({
      address: 'http://127.0.0.1:1',
      templateAuth: async () => ({ token: 'from-secret' }),
    });
    const reading = await source.read({
      canary,
      metric: { name: 'errors', templateRef: { name: 't' }, templateVariables: { x: 'y' } },
      template: {
        apiVersion: 'aviary.dev/v1beta1',
        kind: 'MetricTemplate',
        metadata: { name: 't', namespace: 'test' },
        spec: {
          provider: { type: 'prometheus', address, secretRef: { name: 's' }, headers: { 'X-A': ['b'] } },
          query: 'sum(up{x="{{ variables.x }}"})',
        },
      },
      intervalMs: 60_000,
    });
    expect(reading).toEqual({ kind: 'value', value: 1 });
    expect(requests[0]?.headers['authorization']).toBe('Bearer from-secret');
    expect(requests[0]?.headers['x-a']).toBe('b');
  });

  it('a metric with no builtin, query or template is an error saying what to add', async () => {
    const reading = await createPrometheusMetricSource({ address }).read({
      canary,
      metric: { name: 'error-rate' },
      intervalMs: 60_000,
    });
    expect(reading).toMatchObject({ kind: 'error', reason: expect.stringContaining('add a templateRef') });
  });
});
