/**
 * Forwards one exchange to an upstream through an undici Pool with both bodies streamed (never
 * buffered), and turns upstream failures into answers the client can act on: 502 naming the upstream
 * when it cannot be reached or resets, 504 when it does not answer in time. Before answering 502 it
 * offers the failure to `onUpstreamError`, which may take the exchange over (a retry elsewhere).
 *
 * The exchange is one handler object given to `dispatch` (no ClientRequest, no response stream, no
 * per-request closures): at tens of thousands of requests a second those allocations were the cost.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher, Pool } from 'undici';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import type { Upstream } from './types.js';

export interface ForwardOptions {
  upstream: Upstream;
  pool: Pool;
  /** Longest silence from the upstream (before or during the response) before giving up. */
  timeoutMs: number;
  setCookies: readonly string[];
  /**
   * Called once when the exchange ends. `status` is what the client received (0 when the client went
   * away first; 502 when the upstream reset after the status line was already sent). Not called when
   * `onUpstreamError` took the exchange over.
   */
  done(status: number): void;
  /**
   * The upstream could not be reached or dropped the connection before the client got a status line.
   * Return true to take the exchange over (this forward then neither answers nor calls `done`).
   */
  onUpstreamError?(failure: UpstreamFailure): boolean;
  /** Added to a 502's text, e.g. which upstream failed before this one was tried. */
  note?: string;
}

export interface UpstreamFailure {
  /** The error's code, e.g. ECONNREFUSED or UND_ERR_SOCKET. */
  code: string;
  /** No connection was made: the upstream never saw the request. */
  connectFailed: boolean;
}

/** The upstream was never reached: nothing of the request left the router. */
const CONNECT_FAILED = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** The connection broke: the request may have been (partly) sent and even acted on. */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** undici's codes for "the upstream was silent too long": connecting, before headers, between chunks. */
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function describe(upstream: Upstream): string {
  return `upstream "${upstream.name}" (${upstream.host}:${upstream.port})`;
}

export function sendRouterError(
  res: ServerResponse,
  status: number,
  upstream: Upstream,
  message: string,
): void {
  const body = `Aviary router: ${message}\n`;
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-aviary-upstream': upstream.name,
  });
  res.end(body);
}

export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** undici hands response headers over as raw bytes; latin1 keeps every byte as it came. */
function headerStrings(raw: readonly Buffer[]): string[] {
  const out = new Array<string>(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw[i]!.toString('latin1');
  return out;
}

class Exchange implements Dispatcher.DispatchHandler {
  private abortUpstream: ((err?: Error) => void) | undefined;
  private resumeUpstream: (() => void) | undefined;
  private clientGone = false;
  private ended = false;
  private status = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: ForwardOptions,
  ) {
    res.once('finish', this.onFinish);
    res.once('close', this.onClose);
  }

  private readonly onFinish = () => this.end(this.status);

  /** The client went away: stop the upstream work too. */
  private readonly onClose = () => {
    if (this.res.writableFinished) return;
    this.clientGone = true;
    this.end(0);
    this.abortUpstream?.();
  };

  /** Another exchange answers the client from now on. */
  private handOver(): void {
    this.ended = true;
    this.res.off('finish', this.onFinish);
    this.res.off('close', this.onClose);
  }

  private end(status: number): void {
    if (this.ended) return;
    this.ended = true;
    this.options.done(status);
  }

  private readonly onDrain = () => this.resumeUpstream?.();

  onConnect(abort: (err?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.clientGone) abort();
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    // 1xx are informational: the client gets the final answer only (as with http.request's 'response').
    if (statusCode < 200 || this.clientGone) return true;
    this.status = statusCode;
    this.resumeUpstream = resume;
    this.res.writeHead(
      statusCode,
      statusText,
      clientResponseHeaders(headerStrings(rawHeaders), this.options.setCookies),
    );
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.clientGone || this.res.write(chunk)) return true;
    // The client is slower than the upstream: pause the upstream until the client has drained.
    this.res.once('drain', this.onDrain);
    return false;
  }

  onComplete(): void {
    if (!this.clientGone) this.res.end();
  }

  onError(err: Error): void {
    const { res, options } = this;
    const code = (err as NodeJS.ErrnoException).code ?? err.message;
    const timedOut = TIMEOUT_CODES.has(code);
    if (res.headersSent) {
      // The upstream failed mid-body: the client already has a status line, so cutting the connection
      // is the only honest signal; the metrics count it as a failure.
      this.end(timedOut ? 504 : 502);
      res.destroy();
      return;
    }
    if (res.destroyed || this.clientGone) return this.end(0);
    const connectFailed = CONNECT_FAILED.has(code);
    if ((connectFailed || CONNECTION_LOST.has(code)) && options.onUpstreamError?.({ code, connectFailed })) {
      return this.handOver();
    }
    const { upstream, timeoutMs } = options;
    if (timedOut) {
      this.end(504);
      sendRouterError(res, 504, upstream, `${describe(upstream)} did not answer within ${timeoutMs} ms`);
    } else {
      this.end(502);
      const why = code.startsWith('UND_ERR') ? `${code}: ${err.message}` : code;
      sendRouterError(
        res,
        502,
        upstream,
        `${describe(upstream)} is unreachable or reset the connection (${why})${options.note ?? ''}`,
      );
    }
  }
}

export function forward(req: IncomingMessage, res: ServerResponse, options: ForwardOptions): void {
  const exchange = new Exchange(res, options);
  const body = hasBody(req);
  options.pool.dispatch(
    {
      path: req.url ?? '/',
      method: req.method as Dispatcher.HttpMethod,
      headers: upstreamRequestHeaders(req, 'undici') as IncomingHttpHeaders,
      // undici reads the client's body as a stream, with backpressure both ways.
      body: body ? req : null,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    },
    exchange,
  );
  // No body: let the request end now so the connection can be reused for the next one.
  if (!body) req.resume();
}
