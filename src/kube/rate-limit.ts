/**
 * Client-side rate limit on the Kubernetes API (Flagger's -kubeconfig-qps and -kubeconfig-burst, which
 * are client-go's QPS and Burst): a token bucket of `burst` tokens refilled at `qps` per second, taken
 * before every request the typed clients make. Watches are long-lived and not counted (as client-go).
 */
import type { KubeConfig } from '@kubernetes/client-node';

export interface RateLimit {
  qps: number;
  burst: number;
}

/** A FIFO token bucket; `take` resolves when a token is available. */
export function tokenBucket(
  { qps, burst }: RateLimit,
  now: () => number = performance.now.bind(performance),
) {
  let tokens = burst;
  let last = now();
  let queue: Promise<void> = Promise.resolve();
  const refill = () => {
    const at = now();
    tokens = Math.min(burst, tokens + ((at - last) / 1000) * qps);
    last = at;
  };
  return {
    take(): Promise<void> {
      // Chained so that waiters are served in arrival order.
      queue = queue.then(async () => {
        refill();
        if (tokens < 1) {
          await new Promise((resolve) => setTimeout(resolve, Math.ceil(((1 - tokens) / qps) * 1000)));
          refill();
        }
        tokens -= 1;
      });
      return queue;
    },
  };
}

/** Makes every request of clients built from `config` wait for a token first. */
export function limitRequests(config: KubeConfig, limit: RateLimit): void {
  const bucket = tokenBucket(limit);
  const authenticate = config.applySecurityAuthentication.bind(config);
  config.applySecurityAuthentication = async (context) => {
    await bucket.take();
    await authenticate(context);
  };
}
