/**
 * One connection pool per KubeConfig. client-node (2.0.1) builds a new undici Agent for every request
 * of its typed APIs, so every call opened a fresh TCP+TLS connection to the API server: profiled, the
 * TLS handshakes were most of an idle controller's CPU and much of its memory. Here the first request's
 * Agent is kept and handed to the following ones, so connections stay open and are reused (keep-alive).
 *
 * The kept Agent is replaced every REFRESH_MS with the one the next request brings, so client
 * certificates or a CA that change on disk (client-node reads them per request) are picked up within
 * that time; the old Agent closes once its requests finish.
 */
import type { KubeConfig } from '@kubernetes/client-node';

export const REFRESH_MS = 5 * 60_000;

type Dispatcher = NonNullable<
  ReturnType<Parameters<KubeConfig['applySecurityAuthentication']>[0]['getDispatcher']>
>;

const pooled = new WeakSet<KubeConfig>();

export function reuseConnections(config: KubeConfig, now: () => number = Date.now): void {
  if (pooled.has(config)) return;
  pooled.add(config);
  let kept: { dispatcher: Dispatcher; since: number } | undefined;
  const authenticate = config.applySecurityAuthentication.bind(config);
  config.applySecurityAuthentication = async (context) => {
    await authenticate(context);
    const fresh = context.getDispatcher();
    if (!fresh) return; // plain http: fetch's global pool already reuses connections
    if (!kept || now() - kept.since >= REFRESH_MS) {
      const old = kept?.dispatcher;
      kept = { dispatcher: fresh, since: now() };
      void old?.close().catch(() => undefined);
      return;
    }
    context.setDispatcher(kept.dispatcher);
  };
}
