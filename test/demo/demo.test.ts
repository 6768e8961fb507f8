/**
 * `aviary demo --ci`, once with the built-in load generator and once with hey run by the load tester
 * from a rollout webhook: v2 promoted through 10..50%, v3 rolled back with a reason, each under 90 s.
 */
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/demo.js';

async function demo(loadTester: boolean): Promise<{ exit: number; out: string; seconds: number }> {
  let out = '';
  const started = Date.now();
  const exit = await runDemo({ ci: true, loadTester, write: (t) => (out += t) });
  return { exit, out, seconds: (Date.now() - started) / 1000 };
}

function expectPassed({ exit, out, seconds }: { exit: number; out: string; seconds: number }): void {
  expect(exit, out).toBe(0);
  expect(out).toMatch(/v1 -> v2 {2}promoted {2}\(canary weights 10% -> 20% -> 30% -> 40% -> 50%\)/);
  // Either the threshold checks or the statistical judge (a conclusive regression) may stop v3 first.
  expect(out).toMatch(
    /v2 -> v3 {2}rolled back at canary weight 10%: (failed checks threshold reached 2: request-(success-rate|duration) [\d.]+ [<>] \d+|request-success-rate canary [\d.]+% .* -> fail)/,
  );
  expect(out).toMatch(/demo passed/);
  expect(seconds).toBeLessThan(90);
}

describe('aviary demo', () => {
  it('built-in load generator: v2 promoted, v3 rolled back', async () => {
    const result = await demo(false);
    expectPassed(result);
    expect(result.out).toMatch(/traffic: built-in load generator, 400 req\/s/);
  }, 100_000);

  it('--load-tester: hey run by the load tester from a rollout webhook: v2 promoted, v3 rolled back', async () => {
    const result = await demo(true);
    expectPassed(result);
    expect(result.out).toMatch(
      /traffic: load tester http:\/\/127\.0\.0\.1:\d+ running "hey -z 2m -q 50 -c 8 http:\/\/127\.0\.0\.1:\d+\/"/,
    );
    const served = Number(/requests through the router (\d+)/.exec(result.out)?.[1]);
    expect(served).toBeGreaterThan(5000);
  }, 100_000);
});
