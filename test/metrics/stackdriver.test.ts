/**
 * Google Cloud Monitoring through @google-cloud/monitoring (REST mode) pointed at a local server
 * answering the documented shape of projects.timeSeries.query
 * (https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.timeSeries/query): no Google runs here.
 * The test checks the service account's self-signed JWT with the key's public half.
 */
import { createVerify, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { online, read, source, template } from './fixtures.js';
import { suiteServer } from './recording-server.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const EMAIL = 'aviary@my-project.iam.gserviceaccount.com';
const serviceAccountKey = JSON.stringify({
  type: 'service_account',
  client_email: EMAIL,
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
});
const secrets = { gcp: { project: 'my-project', serviceAccountKey } };
const server = suiteServer();

const point = (values: object[]) => ({
  labelValues: [],
  pointData: [{ values, timeInterval: { endTime: '2026-12-01T12:00:00Z' } }],
});

describe('stackdriver (Google Cloud Monitoring client)', () => {
  const t = () =>
    template(
      { type: 'stackdriver', address: server.url, secretRef: { name: 'gcp' } },
      "fetch k8s_container | metric 'istio.io/service/server/request_count' | filter resource.namespace_name == '{{ namespace }}' | within {{ interval }}",
    );

  it('POSTs the MQL query for the project, signed by the service account, and reads the first point', async () => {
    server.answer(() => ({
      body: { timeSeriesDescriptor: {}, timeSeriesData: [point([{ doubleValue: 99.5 }])] },
    }));
    expect(await read(source({ secrets, timeoutMs: 5000 }), t())).toEqual({ kind: 'value', value: 99.5 });
    const sent = server.requests.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v3/projects/my-project/timeSeries:query');
    expect(JSON.parse(sent.body)).toMatchObject({
      query: expect.stringContaining("resource.namespace_name == 'test' | within 1m"),
    });
    const [header = '', payload = '', signature = ''] = String(sent.headers['authorization'])
      .replace(/^Bearer /, '')
      .split('.');
    const verified = createVerify('RSA-SHA256')
      .update(`${header}.${payload}`)
      .verify(publicKey, Buffer.from(signature, 'base64url'));
    expect(verified).toBe(true);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss: string; scope: string };
    expect(claims.iss).toBe(EMAIL);
    expect(claims.scope).toContain('https://www.googleapis.com/auth/monitoring.read');
  });

  it('an int64 count is read as a number (Flagger reads only doubleValue and gets 0)', async () => {
    server.answer(() => ({ body: { timeSeriesData: [point([{ int64Value: '1234' }])] } }));
    expect(await read(source({ secrets, timeoutMs: 5000 }), t())).toEqual({ kind: 'value', value: 1234 });
  });

  it('no time series is no data; two are an error; a rejected query quotes Google', async () => {
    server.answer(() => ({ body: {} }));
    expect(await read(source({ secrets, timeoutMs: 5000 }), t())).toMatchObject({ kind: 'no-data' });
    server.answer(() => ({
      body: { timeSeriesData: [point([{ doubleValue: 1 }]), point([{ doubleValue: 2 }])] },
    }));
    expect(await read(source({ secrets, timeoutMs: 5000 }), t())).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/2 time series/),
    });
    server.answer(() => ({
      status: 400,
      body: {
        error: { code: 400, message: "Line 1: Table operation 'fetch' unknown", status: 'INVALID_ARGUMENT' },
      },
    }));
    expect(await read(source({ secrets, timeoutMs: 5000 }), t())).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/rejected the query.*fetch' unknown/),
    });
  });

  it('a serviceAccountKey that is not a key is refused without quoting it', async () => {
    const reading = await read(
      source({ secrets: { gcp: { project: 'p', serviceAccountKey: 'not-json-secret' } } }),
      t(),
    );
    expect(reading).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/"serviceAccountKey" is not a service account JSON key/),
    });
    expect(JSON.stringify(reading)).not.toContain('not-json-secret');
  });

  it('online: an empty query reaches the API authenticated (its INVALID_ARGUMENT is an answer); a refused account is offline', async () => {
    server.answer(() => ({
      status: 400,
      body: { error: { code: 400, message: 'Query is empty', status: 'INVALID_ARGUMENT' } },
    }));
    expect(await online(source({ secrets, timeoutMs: 5000 }), t())).toMatchObject({ online: true });
    expect(JSON.parse(server.requests.at(-1)!.body)).toMatchObject({ query: '' });
    server.answer(() => ({
      status: 403,
      body: { error: { code: 403, message: 'Permission denied', status: 'PERMISSION_DENIED' } },
    }));
    expect(await online(source({ secrets, timeoutMs: 5000 }), t())).toMatchObject({
      online: false,
      reason: expect.stringMatching(/roles\/monitoring.viewer/),
    });
  });
});
