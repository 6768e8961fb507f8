/**
 * A Prometheus HTTP API client with the manners a controller needs: every call has a timeout, transient
 * failures (5xx, reset connections) are retried a bounded number of times with backoff, and every failure is
 * an AviaryError whose message says what went wrong in words a user can act on.
 */
import { Agent, fetch as undiciFetch } from 'undici';
import { formatDuration } from '../../api/duration.js';
import { AviaryError } from '../../errors.js';

/** Credentials from the MetricTemplate's secretRef, resolved by the Kubernetes layer (Flagger's secret keys). */
export interface PrometheusAuth {
  /** Sent as `Authorization: Bearer <token>`; wins over username/password. */
  token?: string;
  username?: string;
  password?: string;
}

export interface FetchResponse {
  status: number;
  statusText?: string;
  text(): Promise<string>;
}

export interface FetchInit {
  method: 'GET';
  headers: Record<string, string>;
  signal: AbortSignal;
  /** An undici Dispatcher (the Agent that skips TLS verification); other fetch implementations ignore it. */
  dispatcher?: unknown;
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;

export interface PrometheusClientOptions {
  /** Base URL, e.g. `http://prometheus.istio-system:9090` (a path prefix is kept). */
  address: string;
  /** Per-attempt timeout. Default 5000 (Flagger's). */
  timeoutMs?: number;
  auth?: PrometheusAuth;
  /** Extra request headers (MetricTemplate `provider.headers`: several values are joined with ", "). */
  headers?: Record<string, string | readonly string[]>;
  insecureSkipVerify?: boolean;
  /** Retries after the first attempt on 5xx and connection errors. Default 2. Timeouts are not retried. */
  retries?: number;
  /** First backoff delay; doubles per retry. Default 200 ms. */
  retryDelayMs?: number;
  fetch?: FetchLike;
}

export const DEFAULT_TIMEOUT_MS = 5000;

export type QueryData =
  | { resultType: 'vector'; result: { metric: Record<string, string>; value: [number, string] }[] }
  | { resultType: 'matrix'; result: { metric: Record<string, string>; values: [number, string][] }[] }
  | { resultType: 'scalar' | 'string'; result: [number, string] };

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

function causeCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function causeMessage(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof Error && e.message && !parts.includes(e.message)) parts.push(e.message);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join(': ') || String(err);
}

function firstLine(body: string): string {
  const line = body.split('\n').find((l) => l.trim().length > 0) ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}...` : line.trim();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class PrometheusClient {
  readonly address: string;
  readonly timeoutMs: number;
  private readonly headers: Record<string, string>;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly fetch: FetchLike;
  private readonly dispatcher?: Agent;

  constructor(options: PrometheusClientOptions) {
    this.address = options.address.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retries = options.retries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.fetch = options.fetch ?? (undiciFetch as unknown as FetchLike);
    if (options.insecureSkipVerify) this.dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    this.headers = { accept: 'application/json' };
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      this.headers[name] = typeof value === 'string' ? value : value.join(', ');
    }
    const auth = options.auth;
    if (auth?.token) this.headers['authorization'] = `Bearer ${auth.token}`;
    else if (auth?.username && auth.password) {
      this.headers['authorization'] =
        `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    }
  }

  /** Instant query (`/api/v1/query`). Whitespace is expected to be collapsed by the caller. */
  async query(promql: string, time?: Date): Promise<QueryData> {
    const params: [string, string][] = [['query', promql]];
    if (time) params.push(['time', (time.getTime() / 1000).toFixed(3)]);
    return (await this.get('/api/v1/query', params)) as QueryData;
  }

  /** Values of one label across the series that match any of `match` (`/api/v1/label/<name>/values`). */
  async labelValues(label: string, match: readonly string[], start?: Date, end?: Date): Promise<string[]> {
    const params: [string, string][] = match.map((m) => ['match[]', m]);
    if (start) params.push(['start', (start.getTime() / 1000).toFixed(3)]);
    if (end) params.push(['end', (end.getTime() / 1000).toFixed(3)]);
    const data = await this.get(`/api/v1/label/${encodeURIComponent(label)}/values`, params);
    return Array.isArray(data) ? data.filter((v): v is string => typeof v === 'string') : [];
  }

  /** Resolves when Prometheus answers `vector(1)` with 1 (Flagger's IsOnline); throws AviaryError otherwise. */
  async online(): Promise<void> {
    const data = await this.query('vector(1)');
    const value = data.resultType === 'vector' ? data.result[0]?.value[1] : undefined;
    if (value !== '1') {
      throw new AviaryError(
        'UNAVAILABLE',
        `${this.address} answered vector(1) with ${JSON.stringify(value ?? data)}, not 1: is it a Prometheus query API?`,
      );
    }
  }

  /** GETs an API path and returns `data` from a `status: success` answer; throws AviaryError otherwise. */
  async get(path: string, params: readonly [string, string][]): Promise<unknown> {
    const url = `${this.address}${path}?${new URLSearchParams(params as [string, string][]).toString()}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(url);
      } catch (err) {
        const transient = err instanceof TransientError;
        if (!transient || attempt >= this.retries) {
          throw transient ? new AviaryError('UNAVAILABLE', err.message, { cause: err }) : err;
        }
        await sleep(this.retryDelayMs * 2 ** attempt);
      }
    }
  }

  private async once(url: string): Promise<unknown> {
    let status: number;
    let statusText: string | undefined;
    let body: string;
    try {
      const init: FetchInit = {
        method: 'GET',
        headers: this.headers,
        signal: AbortSignal.timeout(this.timeoutMs),
      };
      if (this.dispatcher) init.dispatcher = this.dispatcher;
      const response = await this.fetch(url, init);
      status = response.status;
      statusText = response.statusText;
      body = await response.text();
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new AviaryError(
          'TIMEOUT',
          `Prometheus at ${this.address} timed out after ${formatDuration(this.timeoutMs)}; ` +
            'is the address right, and is Prometheus overloaded? (raise the timeout if queries are slow)',
          { cause: err },
        );
      }
      const code = causeCode(err);
      const message = `cannot reach Prometheus at ${this.address}: ${causeMessage(err)}${code && !causeMessage(err).includes(code) ? ` (${code})` : ''}`;
      if (code && TRANSIENT_CODES.has(code)) throw new TransientError(message, err);
      throw new AviaryError('UNAVAILABLE', message, { cause: err });
    }
    let json: { status?: string; data?: unknown; error?: string; errorType?: string } | undefined;
    try {
      json = JSON.parse(body) as typeof json;
    } catch {
      json = undefined;
    }
    if (json?.status === 'error') {
      const message = `Prometheus rejected the request (${json.errorType ?? `HTTP ${status}`}): ${json.error ?? ''}`;
      if (status >= 500 && json.errorType !== 'execution' && json.errorType !== 'bad_data') {
        throw new TransientError(message);
      }
      throw new AviaryError(status === 401 || status === 403 ? 'FORBIDDEN' : 'INVALID_SPEC', message);
    }
    if (status >= 400 || !json) {
      const what =
        status >= 400 ? `HTTP ${status}${statusText ? ` ${statusText}` : ''}` : `HTTP ${status}, not JSON`;
      const message = `Prometheus at ${this.address} answered ${what}: ${firstLine(body) || '(empty body)'}`;
      if (status >= 500) throw new TransientError(message);
      if (status === 401 || status === 403) {
        throw new AviaryError(
          'FORBIDDEN',
          `${message}; check the credentials in the MetricTemplate's secretRef`,
        );
      }
      throw new AviaryError(status === 404 ? 'NOT_FOUND' : 'UNAVAILABLE', message);
    }
    return json.data;
  }
}

/** Marks a failure worth retrying; becomes an AviaryError(UNAVAILABLE) when retries run out. */
class TransientError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}
