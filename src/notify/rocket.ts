/**
 * Rocket.Chat incoming webhooks accept Slack's attachment payload; colours are CSS colours, so severities
 * map to hex values (Flagger: blue for everything but errors, red for errors).
 */
import type { Severity } from '../engine/ports.js';
import { bearer, type AlertFormat } from './alert.js';
import { slackPayload } from './slack.js';

const ROCKET_COLORS: Record<Severity, string> = { info: '#0076D7', warn: '#DAA038', error: '#FF0000' };

export const rocket: AlertFormat = {
  request: (target, alert) => ({
    url: target.address,
    body: slackPayload(target, alert, ROCKET_COLORS),
    headers: bearer(target.token),
  }),
};
