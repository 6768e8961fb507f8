/**
 * A per-call deadline for client-node's typed APIs: a middleware that gives the request an AbortSignal,
 * so a hung API server fails the call (connect, headers and body) instead of hanging the dashboard.
 */
import {
  Observable,
  type ConfigurationOptions,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

export function withTimeout(ms: number): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (request: RequestContext) => {
          request.setSignal(AbortSignal.timeout(ms));
          return new Observable(Promise.resolve(request));
        },
        post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

/** One line saying why a call failed, with the deadline spelled out when it was the deadline. */
export function reasonOf(err: unknown, ms: number): string {
  const e = err as {
    name?: string;
    message?: string;
    cause?: { name?: string; message?: string; code?: string };
  };
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') return `no answer within ${ms} ms`;
  const cause = e?.cause?.code ?? e?.cause?.message;
  const message = e?.message ?? String(err);
  return cause && !message.includes(cause) ? `${message} (${cause})` : message;
}
