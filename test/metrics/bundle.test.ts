/**
 * The image ships the esbuild bundle (scripts/build.mjs --bundle), not node_modules: the vendor clients
 * must load and read from there too. google-gax reads __dirname when it loads, which an ES module bundle
 * does not have unless the build's banner defines it; this builds the bundle and reads through the
 * bundled Cloud Monitoring and CloudWatch readers.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricProvider } from '../../src/metrics/providers/types.js';
import { suiteServer } from './recording-server.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const out = mkdtempSync(path.join(tmpdir(), 'aviary-bundle-'));
const server = suiteServer();

beforeAll(async () => {
  await run(process.execPath, ['scripts/build.mjs', '--bundle', '--out-dir', out], {
    cwd: root,
    timeout: 240_000,
  });
}, 300_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function bundled(name: string): Promise<MetricProvider> {
  const chunk = readdirSync(path.join(out, 'cli')).find((f) => f.startsWith(`${name}-`));
  if (!chunk) throw new Error(`no ${name} chunk in the bundle`);
  const module = (await import(pathToFileURL(path.join(out, 'cli', chunk)).href)) as Record<
    string,
    MetricProvider
  >;
  return module[name]!;
}

const window = { intervalMs: 60_000, mode: 'value' } as const;
const context = { timeoutMs: 5000, retries: 0, now: Date.now };

describe('the vendor clients in the bundled build', () => {
  it('Cloud Monitoring (google-gax) loads and reads', async () => {
    server.answer(() => ({
      body: { timeSeriesData: [{ pointData: [{ values: [{ doubleValue: 4.5 }] }] }] },
    }));
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = JSON.stringify({
      client_email: 'a@p.iam.gserviceaccount.com',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    });
    const reader = await (
      await bundled('stackdriver')
    ).create({
      ...context,
      provider: { type: 'stackdriver', address: server.url, secretRef: { name: 'g' } },
      credentials: { project: 'p', serviceAccountKey: key },
    });
    expect(await reader.read('fetch k8s_container', window)).toEqual({ kind: 'value', value: 4.5 });
  });

  it('CloudWatch (AWS SDK v3) loads and reads', async () => {
    server.answer(() => ({ body: { MetricDataResults: [{ Id: 'e1', Values: [7], Timestamps: [1] }] } }));
    process.env['AWS_ACCESS_KEY_ID'] ??= 'AKIAAVIARYBUNDLETEST';
    process.env['AWS_SECRET_ACCESS_KEY'] ??= 'bundle-test-secret';
    const reader = await (
      await bundled('cloudwatch')
    ).create({
      ...context,
      provider: { type: 'cloudwatch', region: 'eu-west-1', address: server.url },
      credentials: {},
    });
    expect(await reader.read('[{"Id": "e1", "Expression": "1"}]', window)).toEqual({
      kind: 'value',
      value: 7,
    });
  });
});
