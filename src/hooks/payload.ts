/**
 * Flagger's `CanaryWebhookPayload`, field for field and in its serialization order, so receivers written
 * for Flagger (its load tester, gates, custom services) keep working. There is no `type` field: Flagger
 * never sends the hook type, receivers tell hooks apart by URL or metadata.
 */
import type { Canary, CanaryWebhook, Phase } from '../api/types.js';
import { canaryChecksum } from './checksum.js';

export interface HookPayload {
  name: string;
  namespace: string;
  /** Always present; `""` for an event hook on a canary that has no status yet (as Flagger sends). */
  phase: Phase | '';
  checksum: string;
  /** Omitted when empty (Go `omitempty`). */
  metadata?: Record<string, string>;
}

export interface HookEvent {
  eventMessage: string;
  eventType: 'Normal' | 'Warning';
  /** Milliseconds since the epoch; sent as a decimal string, like Flagger. */
  timestamp: number;
}

/** The payload of every hook type except `event`. Extra metadata (the engine's) overrides the hook's own. */
export function hookPayload(
  canary: Canary,
  hook: CanaryWebhook,
  phase: Phase,
  extra?: Record<string, string>,
): HookPayload {
  const metadata = { ...hook.metadata, ...extra };
  return withMetadata(canary, phase, metadata);
}

/** The `event` hook payload: eventMessage, eventType and timestamp, plus the hook's metadata that does not collide. */
export function eventPayload(canary: Canary, hook: CanaryWebhook, event: HookEvent): HookPayload {
  const metadata: Record<string, string> = { ...hook.metadata };
  metadata.eventMessage = event.eventMessage;
  metadata.eventType = event.eventType;
  metadata.timestamp = String(Math.trunc(event.timestamp));
  return withMetadata(canary, canary.status?.phase ?? '', metadata);
}

function withMetadata(canary: Canary, phase: Phase | '', metadata: Record<string, string>): HookPayload {
  const payload: HookPayload = {
    name: canary.metadata.name,
    namespace: canary.metadata.namespace ?? 'default',
    phase,
    checksum: canaryChecksum(canary),
  };
  if (Object.keys(metadata).length > 0) payload.metadata = metadata;
  return payload;
}
