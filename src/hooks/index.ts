export { HttpWebhookCaller, isHookSuccess, displayUrl, DEFAULT_HOOK_BACKOFF } from './webhook-caller.js';
export type { WebhookCallerOptions } from './webhook-caller.js';
export { hookPayload } from './payload.js';
export type { HookPayload } from './payload.js';
export {
  hooksOfType,
  effectiveType,
  hookTimeoutMs,
  DEFAULT_HOOK_TIMEOUT_MS,
} from '../api/webhook-defaults.js';
export { canaryChecksum } from './checksum.js';
export { postJson, headOf } from './post-json.js';
export type { PostOptions, PostOutcome, Backoff } from './post-json.js';
