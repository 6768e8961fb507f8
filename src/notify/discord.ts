/**
 * Discord webhooks through their Slack-compatible endpoint: Flagger appends `/slack` to the webhook URL
 * (unless it is already there) and posts the Slack payload.
 */
import type { AlertFormat } from './alert.js';
import { slackPayload } from './slack.js';

export function discordSlackUrl(address: string): string {
  try {
    const url = new URL(address);
    if (!url.pathname.endsWith('/slack')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/slack`;
    return url.href;
  } catch {
    return address;
  }
}

export const discord: AlertFormat = {
  request: (target, alert) => ({ url: discordSlackUrl(target.address), body: slackPayload(target, alert) }),
};
