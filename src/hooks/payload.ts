/**
 * Flagger's `CanaryWebhookPayload`, field for field and in its serialization order, so receivers written
 * for Flagger (its load tester, gates, custom services) keep working. There is no `type` field: Flagger
 * never sends the hook type, receivers tell hooks apart by URL or metadata.
 */
import type { Canary, CanaryWebhook, Phase } from '../api/types.js';
import { canaryChecksum } from './checksum.js';
import { namespaceOf } from '../api/defaults.js';

export interface HookPayload {
  name: string;
  namespace: string;
  phase: Phase;
  checksum: string;
  /** Omitted when empty (Go `omitempty`). */
  metadata?: Record<string, string>;
}

/**
 * The payload of every hook. Extra metadata (the engine's: an event hook's eventMessage, eventType and
 * timestamp, see src/engine/events.ts) overrides the hook's own.
 */
export function hookPayload(
  canary: Canary,
  hook: CanaryWebhook,
  phase: Phase,
  extra?: Record<string, string>,
): HookPayload {
  const metadata = { ...hook.metadata, ...extra };
  return withMetadata(canary, phase, metadata);
}

function withMetadata(canary: Canary, phase: Phase, metadata: Record<string, string>): HookPayload {
  const payload: HookPayload = {
    name: canary.metadata.name,
    namespace: namespaceOf(canary),
    phase,
    checksum: canaryChecksum(canary),
  };
  if (Object.keys(metadata).length > 0) payload.metadata = metadata;
  return payload;
}
