import { describe, expect, it } from 'vitest';
import type { Canary, CanaryWebhook } from '../api/types.js';
import { podinfoCanary } from '../engine/testing/fixtures.js';
import { canaryChecksum } from './checksum.js';
import { hooksOfType, hookTimeoutMs } from '../api/webhook-defaults.js';
import { closedPort, startTlsReceiver, closedAfterEach } from './testing.js';
import { withEventWebhooks } from '../engine/events.js';
import { HttpWebhookCaller } from './webhook-caller.js';

const fast = new HttpWebhookCaller({ backoff: { baseMs: 10, maxMs: 40 } });
const { receiver, track } = closedAfterEach();

function canary(status: Record<string, unknown> = {}, webhooks: CanaryWebhook[] = []): Canary {
  const status0 = {
    phase: 'Progressing',
    lastAppliedSpec: 'abc123',
    trackedConfigs: { 'configmap/cfg': 'h1' },
  };
  return { ...podinfoCanary({ webhooks }), status: { ...status0, ...status } } as Canary;
}

/** Hook literal with a loosely typed `type` (the schema's inferred union type is not usable yet). */
function hook(
  h: { name: string; url: string; type?: string } & Omit<CanaryWebhook, 'name' | 'url' | 'type'>,
): CanaryWebhook {
  return h as CanaryWebhook;
}

describe('webhook payload', () => {
  it("posts exactly Flagger's fields, in order, as JSON", async () => {
    const r = await receiver();
    const loadTest = {
      name: 'load-test',
      url: `${r.url}/`,
      metadata: { type: 'cmd', cmd: 'hey -z 1m http://podinfo-canary.test:9898/' },
    };
    const result = await fast.call(canary(), loadTest, 'Progressing');
    expect(result).toEqual({ ok: true, status: 200 });
    const [req] = r.requests;
    expect(req?.method).toBe('POST');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(Object.keys(req?.json as object)).toEqual(['name', 'namespace', 'phase', 'checksum', 'metadata']);
    expect(req?.json).toEqual({
      name: 'podinfo',
      namespace: 'test',
      phase: 'Progressing',
      checksum: canaryChecksum(canary()),
      metadata: { type: 'cmd', cmd: 'hey -z 1m http://podinfo-canary.test:9898/' },
    });
  });

  it('omits metadata when the hook has none, and sends no type field', async () => {
    const r = await receiver();
    await fast.call(canary(), hook({ name: 'gate', type: 'confirm-rollout', url: r.url }), 'Waiting');
    expect(r.requests[0]?.json).toEqual({
      name: 'podinfo',
      namespace: 'test',
      phase: 'Waiting',
      checksum: expect.any(String),
    });
  });

  it("adds the engine's metadata to the hook's", async () => {
    const r = await receiver();
    await fast.call(canary(), hook({ name: 'h', url: r.url, metadata: { a: '1' } }), 'Progressing', {
      weight: '20',
    });
    expect((r.requests[0]?.json as { metadata: unknown }).metadata).toEqual({ a: '1', weight: '20' });
  });

  it('checksum is stable, ignores key order, and changes with the revision', () => {
    const a = canaryChecksum(canary({ trackedConfigs: { 'configmap/a': '1', 'secret/b': '2' } }));
    const b = canaryChecksum(
      canary({ trackedConfigs: { 'secret/b': '2', 'configmap/a': '1' }, phase: 'Waiting' }),
    );
    const c = canaryChecksum(canary({ trackedConfigs: { 'configmap/a': '1', 'secret/b': '3' } }));
    const d = canaryChecksum(canary({ lastAppliedSpec: 'def456' }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(canaryChecksum(canary())).not.toBe(d);
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });

  it("event hook: eventMessage, eventType, timestamp win over the hook's metadata; phase from status", async () => {
    const r = await receiver({ status: 202 });
    const events = hook({
      name: 'events',
      type: 'event',
      url: r.url,
      metadata: { eventType: 'mine', team: 'payments' },
    });
    // The engine's path: every recorded event is also posted to the canary's event hooks.
    const recorded: string[] = [];
    const recorder = withEventWebhooks(
      { record: async (_c, _type, _reason, message) => void recorded.push(message) },
      new HttpWebhookCaller(),
      { now: () => 1_700_000_000_123 },
    );
    const failed = canary({ phase: 'Failed' }, [events]);
    await recorder.record(failed, 'Warning', 'Synced', 'Canary failed! Scaling down podinfo.test');
    expect(recorded).toEqual(['Canary failed! Scaling down podinfo.test']);
    expect(r.requests[0]?.json).toEqual({
      name: 'podinfo',
      namespace: 'test',
      phase: 'Failed',
      checksum: canaryChecksum(canary()),
      metadata: {
        eventMessage: 'Canary failed! Scaling down podinfo.test',
        eventType: 'Warning',
        timestamp: '1700000000123',
        team: 'payments',
      },
    });
  });
});

describe('webhook outcome', () => {
  it.each([200, 201, 202])('status %i is success', async (status) => {
    const r = await receiver({ status });
    expect(await fast.call(canary(), hook({ name: 'h', url: r.url }), 'Progressing')).toEqual({
      ok: true,
      status,
    });
  });

  it.each([203, 204, 400, 403, 404])('status %i is a failure and is not retried', async (status) => {
    const r = await receiver({ status, body: 'nope' });
    const result = await fast.call(canary(), hook({ name: 'h', url: r.url, retries: 3 }), 'Progressing');
    expect(result.ok).toBe(false);
    expect(result.status).toBe(status);
    expect(r.requests).toHaveLength(1);
  });

  it('puts the status line and the first lines of the body in the reason', async () => {
    const body = [
      'Error: load test failed',
      'at line 1',
      'at line 2',
      'at line 3',
      'at line 4',
      'at line 5',
      'at line 6',
    ].join('\n');
    const r = await receiver({ status: 500, body });
    const result = await fast.call(
      canary(),
      hook({ name: 'load-test', url: `${r.url}/hook` }),
      'Progressing',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(
      `webhook load-test (rollout) ${r.url}/hook: 500 Internal Server Error: Error: load test failed | at line 1 | at line 2 | at line 3 | at line 4 …`,
    );
  });

  it('caps the body in the reason at 500 characters', async () => {
    const r = await receiver({ status: 400, body: 'x'.repeat(5000) });
    const result = await fast.call(canary(), hook({ name: 'h', url: r.url }), 'Progressing');
    expect(!result.ok && result.reason.length).toBeLessThan(600);
  });

  it("times out with the hook's timeout and says so", async () => {
    const r = await receiver({ hang: true });
    const started = Date.now();
    const result = await fast.call(
      canary(),
      hook({ name: 'slow', type: 'pre-rollout', url: r.url, timeout: '300ms' }),
      'Progressing',
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toEqual({
      ok: false,
      reason: `webhook slow (pre-rollout) ${r.url}/: timed out after 300ms`,
    });
  });

  it('retries transient failures (5xx, 429, dropped connections) up to hook.retries, then succeeds', async () => {
    const replies = [{ status: 503 }, { status: 429 }, { destroy: true as const }, { status: 200 }];
    const r = await receiver((n) => replies[n] ?? { status: 200 });
    const result = await fast.call(canary(), hook({ name: 'h', url: r.url, retries: 3 }), 'Progressing');
    expect(result).toEqual({ ok: true, status: 200 });
    expect(r.requests).toHaveLength(4);
  });

  it('gives up after 1 + retries attempts and says how many', async () => {
    const r = await receiver({ status: 502, body: 'bad gateway' });
    const result = await fast.call(canary(), hook({ name: 'h', url: r.url, retries: 2 }), 'Progressing');
    expect(r.requests).toHaveLength(3);
    expect(!result.ok && result.reason).toMatch(/502 Bad Gateway: bad gateway \(after 3 attempts\)$/);
  });

  it('does not retry by default (Flagger: retries 0)', async () => {
    const r = await receiver({ status: 500 });
    await fast.call(canary(), hook({ name: 'h', url: r.url }), 'Progressing');
    expect(r.requests).toHaveLength(1);
  });

  it('retries a timeout when retries are set', async () => {
    const r = await receiver((n) => (n === 0 ? { hang: true } : { status: 200 }));
    const result = await fast.call(
      canary(),
      hook({ name: 'h', url: r.url, timeout: '200ms', retries: 1 }),
      'Progressing',
    );
    expect(result).toEqual({ ok: true, status: 200 });
    expect(r.requests).toHaveLength(2);
  });

  it('reports a refused connection and a bad URL without throwing', async () => {
    const url = await closedPort();
    const refused = await fast.call(canary(), hook({ name: 'h', url }), 'Progressing');
    expect(!refused.ok && refused.reason).toMatch(/connection refused/);
    const bad = await fast.call(canary(), hook({ name: 'h', url: 'not a url' }), 'Progressing');
    expect(bad).toEqual({ ok: false, reason: 'webhook h (rollout) not a url: invalid URL "not a url"' });
    const bad2 = await fast.call(canary(), hook({ name: 'h', url: 'ftp://x/' }), 'Progressing');
    expect(!bad2.ok && bad2.reason).toMatch(/unsupported URL scheme "ftp:"/);
  });

  it('masks a password in the URL', async () => {
    const url = (await closedPort()).replace('http://', 'http://user:s3cret@');
    const result = await fast.call(canary(), hook({ name: 'h', url }), 'Progressing');
    expect(!result.ok && result.reason).not.toContain('s3cret');
  });

  it('disableTLS skips certificate verification', async () => {
    const started = startTlsReceiver();
    if (!started) return expect.fail('openssl is needed to make a test certificate');
    const r = track(await started);
    const strict = await fast.call(canary(), hook({ name: 'h', url: r.url }), 'Progressing');
    expect(!strict.ok && strict.reason).toMatch(/TLS error|certificate/i);
    const relaxed = await fast.call(
      canary(),
      hook({ name: 'h', url: r.url, disableTLS: true }),
      'Progressing',
    );
    expect(relaxed).toEqual({ ok: true, status: 200 });
  });
});

describe('hook selection and defaults', () => {
  it('an empty type is a rollout hook', () => {
    const c = canary({}, [
      hook({ name: 'a', url: 'http://a/' }),
      hook({ name: 'b', type: 'rollout', url: 'http://b/' }),
      hook({ name: 'c', type: 'pre-rollout', url: 'http://c/' }),
    ]);
    expect(hooksOfType(c, 'rollout').map((h) => h.name)).toEqual(['a', 'b']);
    expect(hooksOfType(c, 'pre-rollout').map((h) => h.name)).toEqual(['c']);
    expect(hooksOfType(c, 'event')).toEqual([]);
  });

  it('timeouts shorter than two characters become 10s; bad ones are errors', () => {
    expect(hookTimeoutMs({ name: 'h', url: 'u' })).toBe(10_000);
    expect(hookTimeoutMs({ name: 'h', url: 'u', timeout: '5' })).toBe(10_000);
    expect(hookTimeoutMs({ name: 'h', url: 'u', timeout: '1m' })).toBe(60_000);
    expect(hookTimeoutMs({ name: 'h', url: 'u', timeout: '10x' })).toEqual({
      error: expect.stringContaining('invalid timeout "10x"'),
    });
  });
});

describe('credentials in the URL', () => {
  it('become basic auth, as Go sends them', async () => {
    const r = await receiver();
    const url = r.url.replace('http://', 'http://user:s3cret@');
    expect(await fast.call(canary(), hook({ name: 'h', url }), 'Progressing')).toEqual({
      ok: true,
      status: 200,
    });
    expect(r.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('user:s3cret').toString('base64')}`,
    );
  });
});
