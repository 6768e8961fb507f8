/**
 * Microsoft Teams. Two kinds of incoming webhook exist, and they accept different payloads:
 * - Workflows (Power Automate "Post to a channel when a webhook request is received"; URLs on
 *   *.logic.azure.com, *.powerplatform.com, ...): the current way, and the one Microsoft tells users to
 *   move to. It takes a `message` whose attachment is an Adaptive Card; a MessageCard is rejected.
 * - Office 365 connectors (URLs on *.webhook.office.com / outlook.office.com): retired by Microsoft; they
 *   take Flagger's MessageCard.
 * Aviary sends an Adaptive Card (v1.4, what Workflows renders) to every URL except a connector's, which
 * keeps Flagger's MessageCard so existing connector URLs keep working until Microsoft switches them off.
 */
import type { Severity } from '../engine/ports.js';
import { facts, subject, type Alert, type AlertFormat } from './alert.js';

/** Adaptive Card TextBlock colours. */
const CARD_COLORS: Record<Severity, string> = { info: 'Good', warn: 'Warning', error: 'Attention' };
/** MessageCard themeColor (Flagger: 0076D7, FF0000 for errors). */
const THEME_COLORS: Record<Severity, string> = { info: '0076D7', warn: 'FFA500', error: 'FF0000' };

export function isConnectorUrl(address: string): boolean {
  try {
    const host = new URL(address).hostname.toLowerCase();
    return (
      host.endsWith('.webhook.office.com') ||
      host === 'outlook.office.com' ||
      host === 'outlook.office365.com'
    );
  } catch {
    return false;
  }
}

export function adaptiveCardMessage(alert: Alert) {
  return {
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
              text: subject(alert),
              weight: 'Bolder',
              size: 'Medium',
              color: CARD_COLORS[alert.severity],
            },
            { type: 'TextBlock', text: alert.message, wrap: true },
            { type: 'FactSet', facts: facts(alert).map(([title, value]) => ({ title, value })) },
          ],
        },
      },
    ],
  };
}

export function messageCard(alert: Alert) {
  return {
    '@type': 'MessageCard',
    '@context': 'http://schema.org/extensions',
    themeColor: THEME_COLORS[alert.severity],
    summary: subject(alert),
    sections: [
      {
        activityTitle: alert.message,
        activitySubtitle: subject(alert),
        facts: facts(alert).map(([name, value]) => ({ name, value })),
      },
    ],
  };
}

export const msteams: AlertFormat = {
  request: (target, alert) => ({
    url: target.address,
    body: isConnectorUrl(target.address) ? messageCard(alert) : adaptiveCardMessage(alert),
  }),
};
