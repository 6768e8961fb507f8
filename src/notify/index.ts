export { createNotifier } from './notifier.js';
export type { AlertNotifier, Delivery, NotifierOptions } from './notifier.js';
export { alertTarget, DEFAULT_CHANNEL, DEFAULT_USERNAME } from './resolve.js';
export type {
  AlertProviderRef,
  AlertProviderResolver,
  AlertProviderSecret,
  ResolvedAlertProvider,
} from './resolve.js';
export { sendAlert, DEFAULT_SEND } from './send.js';
export type { SendOptions, SendResult } from './send.js';
export { severityMatches } from './severity.js';
export { ALERT_FORMATS, formatOf } from './providers.js';
export { alertOf } from './alert.js';
export type { Alert, AlertFormat, AlertTarget, ProviderRequest } from './alert.js';
export type { WebhookAlertPayload } from './webhook.js';
export { SecretRedactor, MIN_SECRET_LENGTH, type SecretValues } from './redact.js';
