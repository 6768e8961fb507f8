/**
 * The `checksum` field of the webhook payload: one value per canary revision (status.trackedConfigs +
 * status.lastAppliedSpec), so a receiver can tell "same revision, called again" from "a new revision".
 *
 * Flagger hashes a Go `spew` dump of those two fields with FNV-32a and encodes the decimal digits with
 * Kubernetes' SafeEncodeString. Aviary hashes a canonical JSON form (keys sorted) with the same FNV-32a and
 * the same encoding, so the value looks alike and is stable across restarts and platforms, but it is not
 * byte-equal to the value Flagger would send for the same status. Receivers only compare checksums between
 * calls, which keeps working.
 */
import type { Canary } from '../api/types.js';

export function canaryChecksum(canary: Canary): string {
  const status = canary.status ?? {};
  const tracked = status.trackedConfigs;
  const canonical = JSON.stringify({
    trackedConfigs: tracked
      ? Object.fromEntries(Object.entries(tracked).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : null,
    lastAppliedSpec: status.lastAppliedSpec ?? '',
  });
  return safeEncode(String(fnv32a(canonical)));
}

export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** k8s.io/apimachinery/pkg/util/rand.SafeEncodeString: no vowels (no accidental words), no 0/1/3. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function safeEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += ALPHANUMS[text.charCodeAt(i) % ALPHANUMS.length];
  return out;
}
