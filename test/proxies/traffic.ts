/**
 * Traffic through a proxy, counted by the version that answered (the sample app's `x-version`), and
 * the check that the counts match a weight within the exact binomial bound of ./binomial.ts.
 */
import { Agent, request } from 'node:http';
import { expect } from 'vitest';
import { binomialInterval } from './binomial.js';

/** Requests per weight step; with ALPHA below, a correct proxy fails a step with probability <= 1e-6. */
export const REQUESTS_PER_STEP = 400;
export const ALPHA = 1e-6;
const CONCURRENCY = 8;

/**
 * Sends `n` GETs to 127.0.0.1:`port` with Host `host` (and `headers`); counts answers by version
 * (`status <code>` otherwise).
 */
export async function countVersions(
  port: number,
  host: string,
  n = REQUESTS_PER_STEP,
  headers: Record<string, string> = {},
): Promise<Map<string, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const counts = new Map<string, number>();
  const one = () =>
    new Promise<string>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/', headers: { ...headers, host }, agent, timeout: 5_000 },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve(res.statusCode === 200 ? String(res.headers['x-version']) : `status ${res.statusCode}`),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out after 5 s')));
      req.on('error', (err) => resolve(`error ${err.message}`));
      req.end();
    });
  let sent = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < n) {
        sent++;
        const version = await one();
        counts.set(version, (counts.get(version) ?? 0) + 1);
      }
    }),
  );
  agent.destroy();
  return counts;
}

/**
 * Every request was answered by the primary or the canary, and the canary's share is inside the exact
 * binomial interval for `canaryWeight`% of `n` at ALPHA (at 0% and 100% that interval is exactly 0 / n).
 */
export function expectSplit(
  counts: Map<string, number>,
  versions: { primary: string; canary: string },
  canaryWeight: number,
  n = REQUESTS_PER_STEP,
): void {
  const { lo, hi } = binomialInterval(n, canaryWeight / 100, ALPHA);
  const canary = counts.get(versions.canary) ?? 0;
  const primary = counts.get(versions.primary) ?? 0;
  const seen = JSON.stringify(Object.fromEntries(counts));
  expect(primary + canary, `answers other than ${versions.primary}/${versions.canary}: ${seen}`).toBe(n);
  expect(
    canary >= lo && canary <= hi,
    `canary weight ${canaryWeight}%: ${canary} of ${n} requests reached the canary, outside the binomial ` +
      `bound [${lo}, ${hi}] at alpha ${ALPHA} (${seen})`,
  ).toBe(true);
}
