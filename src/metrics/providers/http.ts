/**
 * The one HTTP call the SaaS readers make: a timeout per attempt, bounded retries with backoff on 5xx,
 * 429 and dropped connections, a size limit on the answer, and errors that name the provider and the
 * status but never a credential (the caller's redactor runs over every message).
 */
import { Agent, fetch } from 'undici';
import { formatDuration } from '../../api/duration.js';
import { AviaryError } from '../../errors.js';

export interface HttpRequest {
  /** Provider name used in messages (`Datadog`). */
  provider: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  retries: number;
  insecureSkipVerify?: boolean;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** Answers larger than this are refused: one number never needs more. */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
const RETRY_DELAY_MS = 200;
const insecureAgent = new Agent({ connect: { rejectUnauthorized: false } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends the request; resolves with any status below 500 (except 429), throws AviaryError otherwise. */
export async function send(request: HttpRequest): Promise<HttpAnswer> {
  for (let attempt = 0; ; attempt++) {
    const outcome = await once(request);
    if (!(outcome instanceof Error)) return outcome;
    if (attempt >= request.retries) throw new AviaryError('UNAVAILABLE', outcome.message, { cause: outcome });
    await sleep(RETRY_DELAY_MS * 2 ** attempt);
  }
}

/** An answer, or a transient failure worth another attempt (timeouts and other failures throw). */
async function once(request: HttpRequest): Promise<HttpAnswer | Error> {
  const where = `${request.provider} at ${new URL(request.url).origin}`;
  let response: Awaited<ReturnType<typeof fetch>>;
  try {
    response = await fetch(request.url, {
      method: request.method ?? 'GET',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs),
      ...(request.insecureSkipVerify ? { dispatcher: insecureAgent } : {}),
    });
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new AviaryError('TIMEOUT', `${where} did not answer within ${formatDuration(request.timeoutMs)}`);
    }
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? String(err);
    return new Error(`cannot reach ${where}: ${cause}`);
  }
  const body = await readLimited(response, where);
  if (response.status >= 500 || response.status === 429) {
    return new Error(`${where} answered HTTP ${response.status}: ${firstLine(body)}`);
  }
  return { status: response.status, body };
}

async function readLimited(response: Response | Awaited<ReturnType<typeof fetch>>, where: string) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += (chunk as Uint8Array).byteLength;
    if (size > MAX_ANSWER_BYTES) {
      throw new AviaryError(
        'INVALID_SPEC',
        `${where} answered more than ${MAX_ANSWER_BYTES} bytes; narrow the query`,
      );
    }
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function firstLine(body: string): string {
  const line =
    body
      .split('\n')
      .find((l) => l.trim().length > 0)
      ?.trim() ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}...` : line || '(empty body)';
}

/** A non-2xx answer as an AviaryError: 401/403 point at the secret, others quote the server. */
export function rejected(provider: string, answer: HttpAnswer, secretHint: string): AviaryError {
  const message = `${provider} answered HTTP ${answer.status}: ${firstLine(answer.body)}`;
  if (answer.status === 401 || answer.status === 403) {
    return new AviaryError('FORBIDDEN', `${message}; check ${secretHint}`);
  }
  return new AviaryError(answer.status === 404 ? 'NOT_FOUND' : 'INVALID_SPEC', message);
}

/** Sends the request and parses a 200 answer as JSON; any other status throws via rejected(). */
export async function fetchJson<T>(request: HttpRequest, secretHint: string): Promise<T> {
  const answer = await send(request);
  if (answer.status !== 200) throw rejected(request.provider, answer, secretHint);
  return json<T>(request.provider, answer);
}

/** Parses a JSON answer, or throws naming the provider and quoting the start of the body. */
export function json<T>(provider: string, answer: HttpAnswer): T {
  try {
    return JSON.parse(answer.body) as T;
  } catch {
    throw new AviaryError(
      'UNAVAILABLE',
      `${provider} answered HTTP ${answer.status} with something that is not JSON: ${firstLine(answer.body)}`,
    );
  }
}
