/**
 * The dashboard's buttons: `POST /api/intent` leaves a promote / abort / pause / resume intent through
 * the intent module (src/intents), exactly as the CLI verbs do. Off unless the dashboard was started
 * with --allow-actions and a token. A request must carry the token in a header (compared in constant
 * time) and come from the dashboard's own page: JSON only, and an Origin or Sec-Fetch-Site saying
 * same-origin, so another site open in the same browser cannot make one (CSRF).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIntentKind, type Intent, type IntentKind, type IntentSink } from '../intents/index.js';

/** The buttons the page offers; retry stays a CLI verb (it restarts a Failed release). */
export const DASHBOARD_ACTIONS: readonly IntentKind[] = ['promote', 'abort', 'pause', 'resume'];

export const TOKEN_HEADER = 'x-aviary-token';
const MAX_BODY_BYTES = 4096;
/** Below this a token could be guessed; the CLI refuses to start with a shorter one. */
export const MIN_TOKEN_LENGTH = 16;

export interface ActionOptions {
  token: string;
  intents: IntentSink;
}

export class ActionError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Equal-length digests, so the comparison takes the same time whatever the token and the guess. */
function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function checkSameOrigin(req: IncomingMessage): void {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') {
    throw new ActionError(403, `refused: the request came from another site (Sec-Fetch-Site: ${site})`);
  }
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (origin === undefined && site === undefined) {
    throw new ActionError(403, 'refused: no Origin header; actions are taken from the dashboard page');
  }
  if (origin !== undefined && (host === undefined || origin.replace(/^https?:\/\//, '') !== host)) {
    throw new ActionError(403, `refused: Origin ${origin} is not this dashboard (${host ?? 'no Host'})`);
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new ActionError(415, 'send the action as Content-Type: application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ActionError(413, `an action is at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new ActionError(400, 'the body must be a JSON object: {"kind", "name", "namespace"}');
}

/** Checks the request and leaves the intent; throws an ActionError with the HTTP status and the reason. */
export async function takeAction(req: IncomingMessage, options: ActionOptions): Promise<Intent> {
  checkSameOrigin(req);
  const token = req.headers[TOKEN_HEADER];
  if (typeof token !== 'string' || !sameToken(token, options.token)) {
    throw new ActionError(
      401,
      `wrong or missing token (header ${TOKEN_HEADER}); enter the dashboard's token`,
    );
  }
  const body = await readJson(req);
  const { kind, name, namespace } = body;
  if (typeof kind !== 'string' || !isIntentKind(kind) || !DASHBOARD_ACTIONS.includes(kind)) {
    throw new ActionError(400, `kind: "${String(kind)}" is not one of ${DASHBOARD_ACTIONS.join(', ')}`);
  }
  if (typeof name !== 'string' || name === '') throw new ActionError(400, 'name: the canary to act on');
  if (namespace !== undefined && typeof namespace !== 'string') {
    throw new ActionError(400, 'namespace: a string, or absent for a local canary');
  }
  return options.intents.requestIntent(kind, namespace || undefined, name);
}
