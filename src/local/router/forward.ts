/**
 * Forwards one exchange to an upstream with both bodies streamed (piped, never buffered), and turns
 * upstream failures into answers the client can act on: 502 naming the upstream when it cannot be
 * reached or resets, 504 when it does not answer in time.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import type { Upstream } from './types.js';

class UpstreamTimeout extends Error {}

export interface ForwardOptions {
  upstream: Upstream;
  agent: http.Agent;
  /** Longest silence from the upstream (before or during the response) before giving up. */
  timeoutMs: number;
  setCookies: readonly string[];
  /**
   * Called once when the exchange ends. `status` is what the client received (0 when the client went
   * away first; 502 when the upstream reset after the status line was already sent).
   */
  done(status: number): void;
}

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

export function forward(req: IncomingMessage, res: ServerResponse, options: ForwardOptions): void {
  const { upstream, timeoutMs } = options;
  let ended = false;
  const end = (status: number) => {
    if (ended) return;
    ended = true;
    options.done(status);
  };

  const upstreamReq = http.request({
    host: upstream.host,
    port: upstream.port,
    method: req.method,
    path: req.url,
    headers: upstreamRequestHeaders(req),
    agent: options.agent,
  });
  upstreamReq.setTimeout(timeoutMs, () => upstreamReq.destroy(new UpstreamTimeout()));

  upstreamReq.on('response', (upstreamRes) => {
    const status = upstreamRes.statusCode ?? 502;
    res.writeHead(
      status,
      upstreamRes.statusMessage,
      clientResponseHeaders(upstreamRes.rawHeaders, options.setCookies),
    );
    upstreamRes.pipe(res);
    res.on('finish', () => end(status));
    upstreamRes.on('error', () => undefined);
    upstreamRes.on('close', () => {
      if (upstreamRes.complete) return;
      // The upstream reset mid-body: the client already has a status line, so cutting the connection is
      // the only honest signal; the metrics count it as a failure.
      end(502);
      res.destroy();
    });
  });

  upstreamReq.on('error', (err) => {
    if (res.headersSent) {
      end(err instanceof UpstreamTimeout ? 504 : 502);
      res.destroy();
      return;
    }
    if (res.destroyed) return end(0);
    if (err instanceof UpstreamTimeout) {
      end(504);
      sendRouterError(res, 504, upstream, `${describe(upstream)} did not answer within ${timeoutMs} ms`);
    } else {
      end(502);
      const code = (err as NodeJS.ErrnoException).code ?? err.message;
      sendRouterError(
        res,
        502,
        upstream,
        `${describe(upstream)} is unreachable or reset the connection (${code})`,
      );
    }
  });

  // The client went away: stop the upstream work too.
  res.on('close', () => {
    if (res.writableFinished) return;
    end(0);
    upstreamReq.destroy();
  });
  req.on('error', () => upstreamReq.destroy());
  if (hasBody(req)) {
    req.pipe(upstreamReq);
  } else {
    // No body: headers go out in one write instead of waiting a tick for the empty stream to end.
    upstreamReq.end();
    req.resume();
  }
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
