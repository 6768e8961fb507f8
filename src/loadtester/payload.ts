/**
 * Flagger's `CanaryWebhookPayload`, read defensively: every problem becomes one sentence naming the
 * field, which the HTTP layer answers with 400 (Flagger shows that text in the canary's events).
 */

export interface WebhookPayload {
  name: string;
  namespace: string;
  phase?: string;
  checksum?: string;
  /** Flagger sends `map[string]string`; numbers and booleans are accepted and turned into strings. */
  metadata?: Record<string, string>;
}

export type ParseResult = { ok: true; payload: WebhookPayload } | { ok: false; message: string };

export function parsePayload(body: string): ParseResult {
  if (body.trim() === '') {
    return {
      ok: false,
      message: 'request body is empty: send Flagger\'s webhook JSON {"name", "namespace", ...}',
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (err) {
    return { ok: false, message: `request body is not valid JSON: ${(err as Error).message}` };
  }
  if (!isObject(raw)) return { ok: false, message: 'request body must be a JSON object' };

  for (const field of ['name', 'namespace'] as const) {
    const value = raw[field];
    if (value === undefined || value === null || value === '') {
      return { ok: false, message: `field "${field}" is required (the canary's ${field})` };
    }
    if (typeof value !== 'string') return { ok: false, message: `field "${field}" must be a string` };
  }
  for (const field of ['phase', 'checksum'] as const) {
    const value = raw[field];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      return { ok: false, message: `field "${field}" must be a string` };
    }
  }

  const payload: WebhookPayload = { name: raw.name as string, namespace: raw.namespace as string };
  if (typeof raw.phase === 'string') payload.phase = raw.phase;
  if (typeof raw.checksum === 'string') payload.checksum = raw.checksum;

  if (raw.metadata !== undefined && raw.metadata !== null) {
    if (!isObject(raw.metadata))
      return { ok: false, message: 'field "metadata" must be an object of strings' };
    const metadata: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw.metadata)) {
      if (typeof value === 'string') metadata[key] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') metadata[key] = String(value);
      else return { ok: false, message: `field "metadata.${key}" must be a string` };
    }
    payload.metadata = metadata;
  }
  return { ok: true, payload };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
