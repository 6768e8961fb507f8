/**
 * An intent: a person's request that a running release do something now (promote, abort, pause,
 * resume, retry) without touching the Canary's spec, so GitOps tools that own the spec neither revert it
 * nor see drift. It travels as one annotation on the Canary (Kubernetes) or one file in the state
 * directory (`aviary run`); the engine acts on it at its next tick and records its id in
 * `status.lastIntent`, so one intent acts once however often it is read.
 */
import { randomUUID } from 'node:crypto';
import { AviaryError } from '../errors.js';

export const INTENT_KINDS = ['promote', 'abort', 'pause', 'resume', 'retry'] as const;
export type IntentKind = (typeof INTENT_KINDS)[number];

/** The annotation that carries the pending intent on a Canary. */
export const INTENT_ANNOTATION = 'aviary.dev/intent';

/** Field manager of the CLI's writes: not kubectl's, whose fields Flux takes over (docs/cli.md). */
export const INTENT_FIELD_MANAGER = 'aviary-cli';

/** An annotation value is small; anything larger is not ours. */
const MAX_INTENT_BYTES = 1024;

export interface Intent {
  /** Unique per request: the engine compares it with status.lastIntent.id. */
  id: string;
  kind: IntentKind;
  /** Who asked (the kubeconfig's user as the API server knows it, or the local login). */
  user: string;
  /** ISO time of the request. */
  requestedAt: string;
}

export function newIntent(kind: IntentKind, user: string, now: Date = new Date()): Intent {
  return { id: randomUUID(), kind, user, requestedAt: now.toISOString() };
}

export function isIntentKind(value: string): value is IntentKind {
  return (INTENT_KINDS as readonly string[]).includes(value);
}

export const serializeIntent = (intent: Intent): string => JSON.stringify(intent);

/**
 * Reads an intent from its annotation (or file) text. A value that is not an intent is an error naming
 * what is wrong, so the engine can say so in an Event instead of ignoring it silently.
 */
export function parseIntent(text: string): Intent {
  if (Buffer.byteLength(text) > MAX_INTENT_BYTES) {
    throw new AviaryError(
      'INVALID_SPEC',
      `${INTENT_ANNOTATION}: longer than ${MAX_INTENT_BYTES} bytes — set it with aviary <verb>`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AviaryError(
      'INVALID_SPEC',
      `${INTENT_ANNOTATION}: not JSON — set it with aviary <verb>, not by hand`,
    );
  }
  const v = value as Partial<Record<keyof Intent, unknown>>;
  if (typeof v !== 'object' || v === null)
    throw new AviaryError('INVALID_SPEC', `${INTENT_ANNOTATION}: not a JSON object`);
  for (const field of ['id', 'kind', 'user', 'requestedAt'] as const) {
    if (typeof v[field] !== 'string' || v[field] === '') {
      throw new AviaryError(
        'INVALID_SPEC',
        `${INTENT_ANNOTATION}: field "${field}" must be a non-empty string`,
      );
    }
  }
  if (!isIntentKind(v.kind as string)) {
    throw new AviaryError(
      'INVALID_SPEC',
      `${INTENT_ANNOTATION}: kind "${String(v.kind)}" is not one of ${INTENT_KINDS.join(', ')}`,
    );
  }
  return {
    id: v.id as string,
    kind: v.kind as IntentKind,
    user: v.user as string,
    requestedAt: v.requestedAt as string,
  };
}

/** What the requester records as an Event and prints: "pause requested by alice". */
export function requestMessage(intent: Intent): string {
  return `${intent.kind} requested by ${intent.user} (intent ${intent.id})`;
}

/** Where intents are sent: the Kubernetes API (./kube.ts) or a local state directory (./local.ts). */
export interface IntentSink {
  /** Leaves the intent for the engine and records who asked; resolves the intent as sent. */
  requestIntent(
    kind: IntentKind,
    namespace: string | undefined,
    name: string,
    user?: string,
  ): Promise<Intent>;
}
