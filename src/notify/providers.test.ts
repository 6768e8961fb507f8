import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { AlertProviderSpec, Canary, CanaryAlert } from '../api/types.js';
import { podinfoCanary } from '../engine/testing/fixtures.js';
import type { Notification, Severity } from '../engine/ports.js';
import { closedAfterEach } from '../hooks/testing.js';
import { alertOf } from './alert.js';
import { adaptiveCardMessage, isConnectorUrl, messageCard } from './msteams.js';
import { createNotifier } from './notifier.js';
import type { ResolvedAlertProvider } from './resolve.js';

const { receiver } = closedAfterEach();

const silent = pino({ level: 'silent' });
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

function canaryWith(alerts: CanaryAlert[]): Canary {
  return podinfoCanary({ alerts });
}

function notification(severity: Severity, alerts: CanaryAlert[]): Notification {
  return {
    canary: canaryWith(alerts),
    severity,
    message: 'Canary analysis failed: request-success-rate 94.1% < 99%',
    phase: 'Progressing',
    canaryWeight: 20,
    fields: { Target: 'Deployment/podinfo.test', 'Failed checks threshold': '5' },
  } as Notification;
}

function spec(type: string, extra: Partial<AlertProviderSpec> = {}): AlertProviderSpec {
  return { type, ...extra } as AlertProviderSpec;
}

/** Sends one notification to one provider of `type` at the receiver and returns the captured request. */
async function sendVia(
  type: string,
  severity: Severity,
  extra: Partial<AlertProviderSpec> = {},
  path = '/hook',
) {
  const r = await receiver({ status: 200, body: 'ok' });
  const provider: ResolvedAlertProvider = { spec: spec(type, { address: `${r.url}${path}`, ...extra }) };
  const notifier = createNotifier({ resolveProvider: async () => provider, now: () => NOW, logger: silent });
  const deliveries = await notifier.deliver(
    notification(severity, [{ name: 'a', providerRef: { name: 'p' } }]),
  );
  expect(deliveries).toEqual([{ alert: 'a', provider: 'test/p', outcome: 'sent' }]);
  expect(r.requests).toHaveLength(1);
  const [req] = r.requests;
  expect(req?.method).toBe('POST');
  expect(req?.headers['content-type']).toBe('application/json');
  return req!;
}

describe('slack', () => {
  it.each([
    ['info', 'good'],
    ['warn', 'warning'],
    ['error', 'danger'],
  ] as const)(
    '%s -> attachment colour %s, author <name>.<namespace>, fields, channel, username',
    async (severity, color) => {
      const req = await sendVia('slack', severity, { channel: 'deploys' });
      expect(req.json).toEqual({
        channel: 'deploys',
        username: 'aviary',
        icon_emoji: ':bird:',
        attachments: [
          {
            color,
            author_name: 'podinfo.test',
            fallback: 'podinfo.test: Canary analysis failed: request-success-rate 94.1% < 99%',
            text: 'Canary analysis failed: request-success-rate 94.1% &lt; 99%',
            mrkdwn_in: ['text'],
            fields: [
              { title: 'Target', value: 'Deployment/podinfo.test', short: false },
              { title: 'Failed checks threshold', value: '5', short: false },
              { title: 'Phase', value: 'Progressing', short: true },
              { title: 'Canary weight', value: '20%', short: true },
            ],
            ts: Math.floor(NOW / 1000),
          },
        ],
      });
    },
  );

  it('defaults channel to general and username to aviary; honours username', async () => {
    const a = await sendVia('slack', 'info');
    expect(a.json).toMatchObject({ channel: 'general', username: 'aviary' });
    const b = await sendVia('slack', 'info', { username: 'flagger' });
    expect(b.json).toMatchObject({ username: 'flagger' });
  });

  it('a 200 {"ok": false} from chat.postMessage is a failure', async () => {
    const r = await receiver({ status: 200, body: '{"ok":false,"error":"channel_not_found"}' });
    const notifier = createNotifier({
      resolveProvider: async () => ({ spec: spec('slack', { address: r.url }) }),
      logger: silent,
    });
    const [d] = await notifier.deliver(notification('error', [{ name: 'a', providerRef: { name: 'p' } }]));
    expect(d?.outcome).toBe('failed');
    expect(d?.reason).toContain('Slack refused the message: channel_not_found');
  });
});

describe('discord', () => {
  it('posts the Slack payload to <url>/slack', async () => {
    const req = await sendVia('discord', 'error', {}, '/api/webhooks/123/abc');
    expect(req.url).toBe('/api/webhooks/123/abc/slack');
    expect(req.json).toMatchObject({
      username: 'aviary',
      attachments: [{ color: 'danger', author_name: 'podinfo.test' }],
    });
  });

  it('does not append /slack twice and keeps the query', async () => {
    const req = await sendVia('discord', 'info', {}, '/api/webhooks/1/x/slack?wait=true');
    expect(req.url).toBe('/api/webhooks/1/x/slack?wait=true');
  });
});

describe('rocket', () => {
  it.each([
    ['info', '#0076D7'],
    ['warn', '#DAA038'],
    ['error', '#FF0000'],
  ] as const)('%s -> Slack-compatible attachment coloured %s', async (severity, color) => {
    const req = await sendVia('rocket', severity, { channel: '#ops' });
    expect(req.json).toMatchObject({
      channel: '#ops',
      username: 'aviary',
      attachments: [{ color, author_name: 'podinfo.test' }],
    });
  });
});

describe('msteams', () => {
  it('sends an Adaptive Card message (Workflows webhooks)', async () => {
    const req = await sendVia('msteams', 'error');
    expect(req.json).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            msteams: { width: 'Full' },
            body: [
              {
                type: 'TextBlock',
                text: 'podinfo.test',
                weight: 'Bolder',
                size: 'Medium',
                color: 'Attention',
              },
              {
                type: 'TextBlock',
                text: 'Canary analysis failed: request-success-rate 94.1% < 99%',
                wrap: true,
              },
              {
                type: 'FactSet',
                facts: [
                  { title: 'Target', value: 'Deployment/podinfo.test' },
                  { title: 'Failed checks threshold', value: '5' },
                  { title: 'Phase', value: 'Progressing' },
                  { title: 'Canary weight', value: '20%' },
                ],
              },
            ],
          },
        },
      ],
    });
  });

  it("keeps Flagger's MessageCard for retired Office 365 connector URLs", () => {
    expect(isConnectorUrl('https://contoso.webhook.office.com/webhookb2/x@y/IncomingWebhook/z/w')).toBe(true);
    expect(
      isConnectorUrl('https://prod-01.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke'),
    ).toBe(false);
    const alert = alertOf(notification('warn', []), NOW);
    expect(messageCard(alert)).toEqual({
      '@type': 'MessageCard',
      '@context': 'http://schema.org/extensions',
      themeColor: 'FFA500',
      summary: 'podinfo.test',
      sections: [
        {
          activityTitle: 'Canary analysis failed: request-success-rate 94.1% < 99%',
          activitySubtitle: 'podinfo.test',
          facts: [
            { name: 'Target', value: 'Deployment/podinfo.test' },
            { name: 'Failed checks threshold', value: '5' },
            { name: 'Phase', value: 'Progressing' },
            { name: 'Canary weight', value: '20%' },
          ],
        },
      ],
    });
    expect(adaptiveCardMessage({ ...alert, severity: 'info' }).attachments[0]?.content.body[0]).toMatchObject(
      { color: 'Good' },
    );
  });
});

describe('google chat', () => {
  it.each(['googlechat', 'gchat'])('%s: text plus a cardsV2 card with the facts', async (type) => {
    const req = await sendVia(type, 'warn');
    expect(req.json).toEqual({
      text: 'podinfo.test: Canary analysis failed: request-success-rate 94.1% < 99%',
      cardsV2: [
        {
          cardId: `aviary-podinfo-${NOW}`,
          card: {
            header: { title: 'podinfo.test', subtitle: 'Aviary warning: Progressing at 20% canary traffic' },
            sections: [
              {
                widgets: [
                  { decoratedText: { topLabel: 'Target', text: 'Deployment/podinfo.test', wrapText: true } },
                  { decoratedText: { topLabel: 'Failed checks threshold', text: '5', wrapText: true } },
                  { decoratedText: { topLabel: 'Phase', text: 'Progressing', wrapText: true } },
                  { decoratedText: { topLabel: 'Canary weight', text: '20%', wrapText: true } },
                ],
              },
            ],
          },
        },
      ],
    });
  });
});

describe('generic webhook', () => {
  it("sends Aviary's JSON with the bearer token from the secret", async () => {
    const r = await receiver({ status: 204 });
    const notifier = createNotifier({
      resolveProvider: async () => ({
        spec: spec('webhook', { address: r.url }),
        secret: { token: 't0ken' },
      }),
      now: () => NOW,
      logger: silent,
    });
    await notifier.notify(notification('error', [{ name: 'a', providerRef: { name: 'p' } }]));
    expect(r.requests[0]?.headers.authorization).toBe('Bearer t0ken');
    expect(r.requests[0]?.json).toEqual({
      name: 'podinfo',
      namespace: 'test',
      phase: 'Progressing',
      weight: 20,
      severity: 'error',
      message: 'Canary analysis failed: request-success-rate 94.1% < 99%',
      fields: { Target: 'Deployment/podinfo.test', 'Failed checks threshold': '5' },
      timestamp: '2026-01-02T03:04:05.000Z',
    });
  });
});
