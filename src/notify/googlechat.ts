/**
 * Google Chat incoming webhooks: `text` carries the sentence (what shows in notifications and in clients
 * that cannot draw cards) and a `cardsV2` card carries the facts. Flagger sends the older `cards` field,
 * which Google has deprecated in favour of cardsV2.
 */
import { facts, subject, type AlertFormat } from './alert.js';

const SEVERITY_LABEL = { info: 'info', warn: 'warning', error: 'error' } as const;

/** Google Chat card text accepts a small HTML subset, so the values are escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const googlechat: AlertFormat = {
  request: (target, alert) => ({
    url: target.address,
    body: {
      text: `${subject(alert)}: ${alert.message}`,
      cardsV2: [
        {
          cardId: `aviary-${alert.name}-${alert.timestamp}`,
          card: {
            header: {
              title: subject(alert),
              subtitle: `Aviary ${SEVERITY_LABEL[alert.severity]}: ${alert.phase} at ${alert.canaryWeight}% canary traffic`,
            },
            sections: [
              {
                widgets: facts(alert).map(([name, value]) => ({
                  decoratedText: { topLabel: escapeHtml(name), text: escapeHtml(value), wrapText: true },
                })),
              },
            ],
          },
        },
      ],
    },
  }),
};
