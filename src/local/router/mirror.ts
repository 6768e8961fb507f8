/**
 * Fire-and-forget copy of a request to the canary. The copy reads the same body chunks as the real
 * request but never pushes back on them: when the canary is slower than the client (more than
 * MAX_BUFFERED_BYTES waiting), the copy is abandoned, so the client's exchange never waits for it and
 * never fails because of it.
 */
import http, { type IncomingMessage } from 'node:http';
import { upstreamRequestHeaders } from './headers.js';
import type { RequestObserver, Upstream } from './types.js';

const MAX_BUFFERED_BYTES = 1 << 20;

export interface MirrorOptions {
  upstream: Upstream;
  agent: http.Agent;
  timeoutMs: number;
  observer: RequestObserver | undefined;
  /** Returns false when too many copies are in flight (the copy is dropped). */
  acquire(): boolean;
  release(): void;
}

export function mirror(req: IncomingMessage, options: MirrorOptions): void {
  const { observer } = options;
  if (!options.acquire()) {
    observer?.mirrorFailed?.('dropped');
    return;
  }
  const started = performance.now();
  let settled = false;
  const settle = (result: { status: number } | { failure: 'error' | 'timeout' | 'dropped' }) => {
    if (settled) return;
    settled = true;
    options.release();
    if ('status' in result) observer?.observe('canary', result.status, performance.now() - started, true);
    else observer?.mirrorFailed?.(result.failure);
  };

  const headers = upstreamRequestHeaders(req);
  headers['x-aviary-mirror'] = 'true';
  const copy = http.request({
    host: options.upstream.host,
    port: options.upstream.port,
    method: req.method,
    path: req.url,
    headers,
    agent: options.agent,
  });
  copy.setTimeout(options.timeoutMs, () => {
    settle({ failure: 'timeout' });
    copy.destroy();
  });
  copy.on('error', () => settle({ failure: 'error' }));
  copy.on('response', (res) => {
    const status = res.statusCode ?? 502;
    res.on('error', () => settle({ failure: 'error' }));
    res.on('end', () => settle({ status }));
    res.resume();
  });

  const onData = (chunk: Buffer) => {
    if (copy.destroyed) return;
    if (copy.writableLength > MAX_BUFFERED_BYTES) {
      settle({ failure: 'dropped' });
      copy.destroy();
      return;
    }
    copy.write(chunk);
  };
  // Listening must not start the flow: the forwarded exchange pulls the body when its upstream socket is
  // ready (undici attaches later, asynchronously), and the copy sees the same chunks as they pass.
  req.pause();
  req.on('data', onData);
  req.once('end', () => {
    if (!copy.destroyed) copy.end();
  });
  req.once('close', () => {
    req.off('data', onData);
    if (!req.complete && !copy.destroyed) {
      settle({ failure: 'dropped' });
      copy.destroy();
    }
  });
}
