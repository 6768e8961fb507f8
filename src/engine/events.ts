/**
 * Every event the engine records is also posted to the canary's `event` webhooks (Flagger's event webhook),
 * with eventMessage / eventType / timestamp metadata that the hook's own metadata cannot override. A
 * canary without one uses the controller-wide event webhook, when set (Flagger's -event-webhook).
 */
import type { Canary, CanaryWebhook } from '../api/types.js';
import type { Clock, EventRecorder, EventType, WebhookCaller } from './ports.js';

export function withEventWebhooks(
  events: EventRecorder,
  webhooks: WebhookCaller,
  clock: Clock,
  fallbackUrl?: string,
): EventRecorder {
  return {
    async record(canary: Canary, type: EventType, reason: string, message: string) {
      await events.record(canary, type, reason, message);
      const own = (canary.spec.analysis.webhooks ?? []).filter((h) => h.type === 'event');
      const hooks: CanaryWebhook[] =
        own.length > 0 || !fallbackUrl ? own : [{ name: 'event-webhook', type: 'event', url: fallbackUrl }];
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
