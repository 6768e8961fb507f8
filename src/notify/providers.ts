/** Provider type -> format. Adding a provider is adding a file and a line here. */
import type { AlertFormat } from './alert.js';
import { discord } from './discord.js';
import { googlechat } from './googlechat.js';
import { msteams } from './msteams.js';
import { rocket } from './rocket.js';
import { slack } from './slack.js';
import { webhook } from './webhook.js';

export const ALERT_FORMATS: Readonly<Record<string, AlertFormat>> = {
  slack,
  msteams,
  discord,
  rocket,
  gchat: googlechat,
  googlechat,
  webhook,
};

export function formatOf(type: string): AlertFormat | undefined {
  return Object.hasOwn(ALERT_FORMATS, type) ? ALERT_FORMATS[type] : undefined;
}
