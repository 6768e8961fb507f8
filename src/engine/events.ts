/**
 * Every event the engine records is also posted to the canary's `event` webhooks (Flagger's event webhook),
 * with eventMessage / eventType / timestamp metadata that the hook's own metadata cannot override.
 */
import type { Canary } from '../api/types.js';
import type { Clock, EventRecorder, EventType, WebhookCaller } from './ports.js';

export function withEventWebhooks(
  events: EventRecorder,
  webhooks: WebhookCaller,
  clock: Clock,
): EventRecorder {
  return {
    async record(canary: Canary, type: EventType, reason: string, message: string) {
      await events.record(canary, type, reason, message);
      const hooks = (canary.spec.analysis.webhooks ?? []).filter((h) => h.type === 'event');
      for (const hook of hooks) {
        const metadata = {
          ...hook.metadata,
          eventMessage: message,
          eventType: type,
          timestamp: String(clock.now()),
        };
        // The result is not acted on: an unreachable event receiver must not stop a release.
        await webhooks.call(canary, hook, canary.status?.phase ?? 'Initializing', metadata);
      }
    },
  };
}
