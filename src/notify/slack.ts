/**
 * Slack incoming webhooks (and chat.postMessage with a bot token): one legacy attachment, coloured by
 * severity, authored by `<name>.<namespace>`, with the facts as fields. Flagger's shape, plus `fallback`
 * (the notification preview text) and `ts`.
 */
import type { Severity } from '../engine/ports.js';
import { bearer, facts, subject, type Alert, type AlertFormat, type AlertTarget } from './alert.js';

export interface SlackPayload {
  channel: string;
  username: string;
  icon_emoji: string;
  attachments: Array<{
    color: string;
    author_name: string;
    fallback: string;
    text: string;
    mrkdwn_in: string[];
    fields: Array<{ title: string; value: string; short: boolean }>;
    ts: number;
  }>;
}

const SLACK_COLORS: Record<Severity, string> = { info: 'good', warn: 'warning', error: 'danger' };

/** Slack's mrkdwn treats &, < and > as control characters. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackPayload(
  target: AlertTarget,
  alert: Alert,
  colors: Record<Severity, string> = SLACK_COLORS,
): SlackPayload {
  const shortFacts = new Set(['Phase', 'Canary weight']);
  return {
    channel: target.channel,
    username: target.username,
    icon_emoji: ':bird:',
    attachments: [
      {
        color: colors[alert.severity],
        author_name: subject(alert),
        fallback: `${subject(alert)}: ${alert.message}`,
        text: escapeSlack(alert.message),
        mrkdwn_in: ['text'],
        fields: facts(alert).map(([title, value]) => ({
          title,
          value: escapeSlack(value),
          short: shortFacts.has(title),
        })),
        ts: Math.floor(alert.timestamp / 1000),
      },
    ],
  };
}

export const slack: AlertFormat = {
  request: (target, alert) => ({
    url: target.address,
    body: slackPayload(target, alert),
    headers: bearer(target.token),
  }),
  // chat.postMessage answers 200 {"ok": false, "error": "channel_not_found"} when it refuses a message.
  rejection(body) {
    try {
      const parsed = JSON.parse(body) as { ok?: unknown; error?: unknown };
      if (parsed.ok === false) return `Slack refused the message: ${String(parsed.error ?? 'unknown error')}`;
    } catch {
      // Incoming webhooks answer plain "ok".
    }
    return undefined;
  },
};
