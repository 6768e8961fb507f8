/**
 * The one HTTP POST used by webhooks and alert notifiers: JSON body, a timeout per attempt, bounded retries
 * with exponential backoff and jitter for transient failures only, and the head of the response body kept
 * for the failure reason. Resolves with an outcome; never rejects.
 */
import { Agent, ProxyAgent, fetch, type Dispatcher } from 'undici';

export interface Backoff {
  /** Wait before the first retry; doubles on each retry (with jitter). */
  baseMs: number;
  /** Upper bound of one wait, also for a server's Retry-After. */
  maxMs: number;
}

export interface PostOptions {
  timeoutMs: number;
  /** Retries after the first attempt, for transient failures only (connection error, timeout, 5xx, 429). */
  retries: number;
  backoff: Backoff;
  /** Decides success from the status code (webhooks: <= 202, Flagger's rule; notifiers: 2xx). */
  isSuccess: (status: number) => boolean;
  headers?: Record<string, string>;
  /** Skip TLS certificate verification. */
  insecure?: boolean;
  /** HTTP(S) proxy URL. */
  proxy?: string;
}

export type FailureKind = 'status' | 'timeout' | 'connection' | 'invalid-request';

type PostSuccess = { ok: true; status: number; bodyHead: string };
type PostFailure = {
  ok: false;
  kind: FailureKind;
  /** One line: `500 Internal Server Error: <body head>`, `timed out after 10s`, `connection refused (...)`. */
  detail: string;
  status?: number;
  bodyHead?: string;
};

export type PostOutcome = (PostSuccess | PostFailure) & { attempts: number };

/** How much of a response body ends up in a reason: enough to read a stack trace's first lines. */
export const BODY_HEAD_LINES = 5;
export const BODY_HEAD_CHARS = 500;
const BODY_READ_BYTES = 16 * 1024;

export async function postJson(url: string, body: unknown, options: PostOptions): Promise<PostOutcome> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, kind: 'invalid-request', detail: `invalid URL "${url}"`, attempts: 0 };
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return {
      ok: false,
      kind: 'invalid-request',
      detail: `unsupported URL scheme "${target.protocol}" (use http or https)`,
      attempts: 0,
    };
  }
  let dispatcher: Dispatcher | undefined;
  try {
    dispatcher = dispatcherFor(options);
  } catch (err) {
    return {
      ok: false,
      kind: 'invalid-request',
      detail: `invalid proxy URL "${options.proxy}": ${message(err)}`,
      attempts: 0,
    };
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.username || target.password) {
    // fetch refuses URLs with credentials; Go's client (Flagger) turns them into basic auth, so do the same.
    const user = decodeURIComponent(target.username);
    const password = decodeURIComponent(target.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  Object.assign(headers, lowerKeys(options.headers));
  const payload = JSON.stringify(body);
  const retries = Math.max(0, Math.floor(options.retries));

  let attempt = 0;
  for (;;) {
    attempt++;
    const result = await attemptOnce(target, payload, headers, options, dispatcher);
    if (result.ok) return { ...result, attempts: attempt };
    if (!result.transient || attempt > retries) {
      const { transient: _transient, retryAfterMs: _retryAfter, ...failure } = result;
      return { ...failure, attempts: attempt };
    }
    await sleep(backoffDelay(attempt, options.backoff, result.retryAfterMs));
  }
}

/** One attempt; a failure says whether another attempt may succeed, and when the receiver asked for it. */
type AttemptResult = PostSuccess | (PostFailure & { transient: boolean; retryAfterMs?: number });

async function attemptOnce(
  target: URL,
  payload: string,
  headers: Record<string, string>,
  options: PostOptions,
  dispatcher: Dispatcher | undefined,
): Promise<AttemptResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers,
      body: payload,
      signal,
      ...(dispatcher ? { dispatcher } : {}),
    });
    const bodyHead = headOf(await readHead(response));
    if (options.isSuccess(response.status)) return { ok: true, status: response.status, bodyHead };
    const statusLine = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    const transient = response.status >= 500 || response.status === 429;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return {
      ok: false,
      kind: 'status',
      status: response.status,
      bodyHead,
      detail: bodyHead ? `${statusLine}: ${bodyHead}` : statusLine,
      transient,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  } catch (err) {
    if (signal.aborted) {
      return {
        ok: false,
        kind: 'timeout',
        detail: `timed out after ${formatMs(options.timeoutMs)}`,
        transient: true,
      };
    }
    return { ok: false, kind: 'connection', detail: connectionDetail(err), transient: true };
  }
}

/** Reads at most BODY_READ_BYTES of the body and drops the rest (a receiver may answer with megabytes). */
async function readHead(response: Awaited<ReturnType<typeof fetch>>): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < BODY_READ_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The first BODY_HEAD_LINES non-empty lines, at most BODY_HEAD_CHARS characters, joined by " | ". */
export function headOf(body: string): string {
  const lines = body
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  let head = lines.slice(0, BODY_HEAD_LINES).join(' | ');
  const truncated = lines.length > BODY_HEAD_LINES || head.length > BODY_HEAD_CHARS;
  if (head.length > BODY_HEAD_CHARS) head = head.slice(0, BODY_HEAD_CHARS);
  return truncated ? `${head} …` : head;
}

export function backoffDelay(attempt: number, backoff: Backoff, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, backoff.maxMs);
  const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempt - 1));
  // "Equal jitter": never less than half the exponential step, so retries still spread out under load.
  return exponential / 2 + Math.random() * (exponential / 2);
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function connectionDetail(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  const root = cause instanceof Error ? cause : err;
  const code = (root as { code?: string }).code;
  const text = message(root);
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused (${text}): is the receiver running and listening on that port?`;
    case 'ENOTFOUND':
      return `host not found (${text}): check the host name in the URL`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `connection closed by the receiver (${text})`;
    default:
      if (code?.startsWith('ERR_TLS') || code?.includes('CERT') || /certificate/i.test(text)) {
        return `TLS error (${text}): fix the receiver's certificate or set disableTLS: true`;
      }
      return `request failed (${code ? `${code}: ` : ''}${text})`;
  }
}

function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Dispatchers are shared per configuration: one per proxy URL and one insecure agent, so sockets are pooled
// across calls instead of leaking one pool per request.
let insecureAgent: Agent | undefined;
const proxyAgents = new Map<string, ProxyAgent>();

function dispatcherFor(options: PostOptions): Dispatcher | undefined {
  if (options.proxy) {
    const key = `${options.insecure ? 'insecure ' : ''}${options.proxy}`;
    let agent = proxyAgents.get(key);
    if (!agent) {
      agent = new ProxyAgent({
        uri: new URL(options.proxy).href,
        // Plain-http targets go through the proxy as absolute-URI requests, as Go's transport does
        // (Flagger); https targets are tunnelled with CONNECT.
        proxyTunnel: false,
        ...(options.insecure ? { requestTls: { rejectUnauthorized: false } } : {}),
      });
      proxyAgents.set(key, agent);
    }
    return agent;
  }
  if (options.insecure) {
    insecureAgent ??= new Agent({ connect: { rejectUnauthorized: false } });
    return insecureAgent;
  }
  return undefined;
}
