import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { AlertProviderSpec, CanaryAlert } from '../api/types.js';
import { podinfoCanary } from '../engine/testing/fixtures.js';
import type { Notification, Severity } from '../engine/ports.js';
import { closedPort, startProxy, type RecordingProxy, closedAfterEach } from '../hooks/testing.js';
import { createNotifier, type NotifierOptions } from './notifier.js';
import type { AlertProviderRef, ResolvedAlertProvider } from './resolve.js';
import { severityMatches } from './severity.js';

const { receiver, track } = closedAfterEach();

function notification(severity: Severity, alerts?: CanaryAlert[]): Notification {
  const canary = podinfoCanary(alerts ? { alerts } : {});
  return {
    canary,
    severity,
    message: 'Promotion completed',
    phase: 'Succeeded',
    canaryWeight: 0,
  } as Notification;
}

function spec(type: string, extra: Partial<AlertProviderSpec> = {}): AlertProviderSpec {
  return { type, ...extra } as AlertProviderSpec;
}

/** A logger whose lines the test can read. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, stream) };
}

const fastSend = { timeoutMs: 300, retries: 2, backoff: { baseMs: 5, maxMs: 20 } };

function notifier(providers: Record<string, ResolvedAlertProvider>, extra: Partial<NotifierOptions> = {}) {
  const log = capturedLogger();
  const asked: AlertProviderRef[] = [];
  const n = createNotifier({
    resolveProvider: async (ref) => {
      asked.push(ref);
      return providers[`${ref.namespace}/${ref.name}`];
    },
    logger: log.logger,
    send: fastSend,
    ...extra,
  });
  return { n, asked, lines: log.lines };
}

describe('severity filter', () => {
  // Rows: the alert entry's severity; columns: the notification's severity.
  const matrix: Array<[Severity | '' | undefined, Record<Severity, boolean>]> = [
    ['info', { info: true, warn: true, error: true }],
    ['warn', { info: false, warn: true, error: true }],
    ['error', { info: false, warn: false, error: true }],
    ['', { info: true, warn: true, error: true }],
    [undefined, { info: true, warn: true, error: true }],
  ];
  it.each(matrix)('entry severity %j', (entry, expected) => {
    for (const severity of ['info', 'warn', 'error'] as const) {
      expect(severityMatches(entry, severity), `${severity} message`).toBe(expected[severity]);
    }
  });

  it('dispatches to every matching entry and skips the rest', async () => {
    const r = await receiver({ status: 200 });
    const { n } = notifier({ 'test/hook': { spec: spec('webhook', { address: r.url }) } });
    const alerts: CanaryAlert[] = [
      { name: 'all', severity: 'info', providerRef: { name: 'hook' } },
      { name: 'warnings', severity: 'warn', providerRef: { name: 'hook' } },
      { name: 'errors', severity: 'error', providerRef: { name: 'hook' } },
    ];
    const outcomes = async (severity: Severity) =>
      (await n.deliver(notification(severity, alerts))).map((d) => `${d.alert}:${d.outcome}`);
    expect(await outcomes('info')).toEqual(['all:sent', 'warnings:skipped', 'errors:skipped']);
    expect(await outcomes('warn')).toEqual(['all:sent', 'warnings:sent', 'errors:skipped']);
    expect(await outcomes('error')).toEqual(['all:sent', 'warnings:sent', 'errors:sent']);
    expect(r.requests).toHaveLength(6);
  });
});

describe('provider resolution', () => {
  it("the secret's address overrides the inline one", async () => {
    const inline = await receiver({ status: 200 });
    const fromSecret = await receiver({ status: 200 });
    const { n } = notifier({
      'test/slack': {
        spec: spec('slack', { address: inline.url, secretRef: { name: 's' } }),
        secret: { address: fromSecret.url, token: 'xoxb-1' },
      },
    });
    const [d] = await n.deliver(notification('info', [{ name: 'a', providerRef: { name: 'slack' } }]));
    expect(d?.outcome).toBe('sent');
    expect(inline.requests).toHaveLength(0);
    expect(fromSecret.requests).toHaveLength(1);
    expect(fromSecret.requests[0]?.headers.authorization).toBe('Bearer xoxb-1');
  });

  it("looks the provider up in providerRef.namespace, defaulting to the canary's", async () => {
    const { n, asked } = notifier({});
    await n.deliver(
      notification('info', [
        { name: 'a', providerRef: { name: 'p1' } },
        { name: 'b', providerRef: { name: 'p2', namespace: 'flagger-system' } },
      ]),
    );
    expect(asked).toEqual([
      { name: 'p1', namespace: 'test' },
      { name: 'p2', namespace: 'flagger-system' },
    ]);
  });

  it('reports, logs and never throws: missing provider, secret without address, no address, resolver error, unknown type', async () => {
    const { n, lines } = notifier(
      {
        'test/nosecretaddr': {
          spec: spec('slack', { secretRef: { name: 'slack-url' } }),
          secret: { token: 'x' },
        },
        'test/noaddr': { spec: spec('slack') },
        'test/odd': { spec: spec('pager', { address: 'http://127.0.0.1:1/' }) },
      },
      {},
    );
    const broken = createNotifier({
      resolveProvider: async () => {
        throw new Error('secrets "slack-url" is forbidden');
      },
      logger: capturedLogger().logger,
    });
    const entries: CanaryAlert[] = [
      { name: 'missing', providerRef: { name: 'nope' } },
      { name: 'nosecretaddr', providerRef: { name: 'nosecretaddr' } },
      { name: 'noaddr', providerRef: { name: 'noaddr' } },
      { name: 'odd', providerRef: { name: 'odd' } },
    ];
    const reasons = (await n.deliver(notification('error', entries))).map((d) => d.reason);
    expect(reasons).toEqual([
      'alert provider test/nope not found',
      'alert provider test/nosecretaddr: secret slack-url has no "address" key',
      'alert provider test/noaddr: no address: set spec.address or an "address" key in the provider\'s secretRef',
      'pager alert provider test/odd: unknown alert provider type "pager"',
    ]);
    expect(lines.filter((l) => l.level === 40).map((l) => l.alert)).toEqual([
      'missing',
      'nosecretaddr',
      'noaddr',
      'odd',
    ]);
    const [d] = await broken.deliver(notification('error', [{ name: 'x', providerRef: { name: 'p' } }]));
    expect(d?.reason).toBe('cannot read alert provider test/p: secrets "slack-url" is forbidden');
    await expect(
      broken.notify(notification('error', [{ name: 'x', providerRef: { name: 'p' } }])),
    ).resolves.toBeUndefined();
  });

  it('uses the fallback provider, for every severity, only when the canary has no alerts', async () => {
    const r = await receiver({ status: 200 });
    const { n } = notifier({}, { fallback: { spec: spec('slack', { address: r.url }) } });
    expect(await n.deliver(notification('info'))).toEqual([
      { alert: 'fallback', provider: 'fallback', outcome: 'sent' },
    ]);
    expect(r.requests).toHaveLength(1);
    await n.deliver(notification('info', [{ name: 'a', severity: 'error', providerRef: { name: 'p' } }]));
    expect(r.requests).toHaveLength(1);
    const { n: none } = notifier({});
    expect(await none.deliver(notification('error'))).toEqual([]);
  });
});

describe('delivery', () => {
  it("shows the controller's cluster name first, as the Cluster field (Flagger's -cluster-name)", async () => {
    const r = await receiver({ status: 200 });
    const { n } = notifier(
      {},
      { fallback: { spec: spec('slack', { address: r.url }) }, clusterName: 'eu-prod-1' },
    );
    await n.deliver(notification('info'));
    const body = r.requests[0]?.body ?? '';
    expect(body).toContain('Cluster');
    expect(body).toContain('eu-prod-1');
  });

  it("goes through the provider's proxy", async () => {
    const r = await receiver({ status: 200 });
    const proxy: RecordingProxy = await startProxy();
    track(proxy);
    const { n } = notifier({
      'test/p': { spec: spec('slack', { address: `${r.url}/services/T/B/X`, proxy: proxy.url }) },
    });
    const [d] = await n.deliver(notification('info', [{ name: 'a', providerRef: { name: 'p' } }]));
    expect(d?.outcome).toBe('sent');
    expect(proxy.seen).toEqual([`POST ${r.url}/services/T/B/X`]);
    expect(r.requests).toHaveLength(1);
  });

  it("the secret's proxy overrides the spec's", async () => {
    const r = await receiver({ status: 200 });
    const proxy = await startProxy();
    track(proxy);
    const { n } = notifier({
      'test/p': {
        spec: spec('webhook', { address: r.url, proxy: await closedPort(), secretRef: { name: 's' } }),
        secret: { address: r.url, proxy: proxy.url },
      },
    });
    const [d] = await n.deliver(notification('info', [{ name: 'a', providerRef: { name: 'p' } }]));
    expect(d?.outcome).toBe('sent');
    expect(proxy.seen).toHaveLength(1);
  });

  it('retries transient failures a bounded number of times', async () => {
    const r = await receiver({ status: 503, body: 'unavailable' });
    const { n } = notifier({ 'test/p': { spec: spec('msteams', { address: r.url }) } });
    const [d] = await n.deliver(notification('error', [{ name: 'a', providerRef: { name: 'p' } }]));
    expect(r.requests).toHaveLength(3);
    expect(d?.reason).toBe(
      'msteams alert provider test/p: 503 Service Unavailable: unavailable (after 3 attempts)',
    );
  });

  it('succeeds when the receiver recovers within the retries', async () => {
    const r = await receiver((i) => (i < 2 ? { status: 500 } : { status: 200 }));
    const { n } = notifier({ 'test/p': { spec: spec('gchat', { address: r.url }) } });
    const [d] = await n.deliver(notification('error', [{ name: 'a', providerRef: { name: 'p' } }]));
    expect(d?.outcome).toBe('sent');
    expect(r.requests).toHaveLength(3);
  });

  it('does not retry a 4xx, and requires 2xx', async () => {
    const r = await receiver({ status: 404, body: 'no_service' });
    const redirect = await receiver({ status: 304 });
    const { n } = notifier({
      'test/p': { spec: spec('slack', { address: r.url }) },
      'test/q': { spec: spec('slack', { address: redirect.url }) },
    });
    const ds = await n.deliver(
      notification('error', [
        { name: 'a', providerRef: { name: 'p' } },
        { name: 'b', providerRef: { name: 'q' } },
      ]),
    );
    expect(r.requests).toHaveLength(1);
    expect(ds[0]?.reason).toBe('slack alert provider test/p: 404 Not Found: no_service');
    expect(ds[1]?.outcome).toBe('failed');
  });

  it('times out each attempt (then retries, bounded)', async () => {
    const r = await receiver({ hang: true });
    const { n } = notifier(
      { 'test/p': { spec: spec('rocket', { address: r.url }) } },
      { send: { ...fastSend, timeoutMs: 150, retries: 1 } },
    );
    const started = Date.now();
    const [d] = await n.deliver(notification('error', [{ name: 'a', providerRef: { name: 'p' } }]));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.requests).toHaveLength(2);
    expect(d?.reason).toBe('rocket alert provider test/p: timed out after 150ms (after 2 attempts)');
  });

  it('one failing provider does not stop the others', async () => {
    const good = await receiver({ status: 200 });
    const { n } = notifier({
      'test/down': { spec: spec('slack', { address: await closedPort() }) },
      'test/up': { spec: spec('discord', { address: good.url }) },
    });
    const ds = await n.deliver(
      notification('error', [
        { name: 'a', providerRef: { name: 'down' } },
        { name: 'b', providerRef: { name: 'up' } },
      ]),
    );
    expect(ds.map((d) => d.outcome)).toEqual(['failed', 'sent']);
    expect(ds[0]?.reason).toMatch(/connection refused .*\(after 3 attempts\)/);
  });
});

describe('secrets', () => {
  const alerts: CanaryAlert[] = [{ name: 'team', severity: 'info', providerRef: { name: 'slack' } }];

  it('an invalid address from a Secret is never printed: the warn line and the reason name the secret key instead', async () => {
    const address = 'hooks.slack.com/services/T0/B0/s3cr3t-not-a-url';
    const { n, lines } = notifier({
      'test/slack': {
        spec: spec('slack', { secretRef: { name: 'slack-url' } }),
        secret: { address, token: 'xoxb-s3cr3t-token' },
      },
    });
    const [delivery] = await n.deliver(notification('info', alerts));
    expect(delivery).toMatchObject({ outcome: 'failed' });
    expect(delivery!.reason).toBe(
      'slack alert provider test/slack: invalid URL "[secret slack-url/address]"',
    );
    const warn = lines.find((l) => l.level === 40)!;
    expect(warn.msg).toMatch(/\[secret slack-url\/address\]/);
    expect(JSON.stringify(lines)).not.toContain('s3cr3t');
  });

  it("a secret's invalid proxy is redacted too, and so is the fallback's address", async () => {
    const r = await receiver();
    const { n, lines } = notifier({
      'test/slack': {
        spec: spec('slack', { secretRef: { name: 'slack-url' } }),
        secret: { address: `${r.url}/hook`, proxy: 'not a proxy s3cr3t' },
      },
    });
    const [delivery] = await n.deliver(notification('info', alerts));
    expect(delivery!.reason).toMatch(/invalid proxy URL "\[secret slack-url\/proxy\]"/);

    const fallback = notifier({}, { fallback: { spec: spec('slack', { address: 'fallback s3cr3t' }) } });
    const [viaFallback] = await fallback.n.deliver(notification('info'));
    expect(viaFallback!.reason).toMatch(/invalid URL "\[secret fallback\/address\]"/);
    expect(JSON.stringify([...lines, ...fallback.lines])).not.toContain('s3cr3t');
  });
});
