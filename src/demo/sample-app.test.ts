import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoad } from './load-generator.js';
import { startSampleApp } from './sample-app.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function app(options: Parameters<typeof startSampleApp>[0]) {
  const server = await startSampleApp(options);
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('demo sample app', () => {
  it('answers with its version and is healthy', async () => {
    const url = await app({ port: 0, version: 'v2' });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-version')).toBe('v2');
    expect(await res.json()).toEqual({ version: 'v2', ok: true });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('injects the configured error rate and latency', async () => {
    let i = 0;
    // Deterministic "randomness": every 4th draw is below 0.25, so a quarter of requests fail.
    const url = await app({
      port: 0,
      version: 'v3',
      errorRate: 0.25,
      latencyMs: 40,
      random: () => (i++ % 4) / 4,
    });
    const started = Date.now();
    const statuses = await Promise.all(Array.from({ length: 8 }, () => fetch(url).then((r) => r.status)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
    expect(statuses.filter((s) => s === 500).length).toBe(2);
  });
});

describe('demo load generator', () => {
  it('sends requests at the asked rate and counts failures', async () => {
    const url = await app({ port: 0, version: 'v1', errorRate: 1 });
    const load = startLoad(url, 100);
    await new Promise((r) => setTimeout(r, 500));
    await load.stop();
    expect(load.sent).toBeGreaterThanOrEqual(40);
    expect(load.sent).toBeLessThanOrEqual(60);
    expect(load.failed).toBe(load.sent);
  });
});
