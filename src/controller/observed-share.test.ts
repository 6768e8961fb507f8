import { describe, expect, it } from 'vitest';
import { judge } from './observed-share.js';

const base = { canaryWeight: 10, previousWeight: 10, windowSeconds: 60, checkedAt: '2026-01-01T00:00:00Z' };

describe('observed share of the canary', () => {
  it('a split that follows a 10% weight is consistent', () => {
    const result = judge(base, 98, 902, 10, 0.999);
    expect(result).toMatchObject({ verdict: 'consistent', canaryShare: 9.8 });
    expect(result.message).toContain('canary received 9.8% of 1000 requests in the last 60s at weight 10%');
  });

  it('an even split at a 10% weight (a Service spreading over pods) is off, with the numbers', () => {
    const result = judge(base, 500, 500, 10, 0.999);
    expect(result.verdict).toBe('mismatch');
    expect(result.pValue).toBeLessThan(1e-100);
    expect(result.message).toMatch(
      /^Traffic is not following the weights: canary received 50% of 1000 requests/,
    );
  });

  it('a share between the previous and the current weight is the lag of the counters, not a bypass', () => {
    const step = { ...base, canaryWeight: 20, previousWeight: 10 };
    expect(judge(step, 150, 850, 10, 0.999).verdict).toBe('consistent');
    expect(judge(step, 400, 600, 10, 0.999).verdict).toBe('mismatch');
  });

  it('too few requests is said, never a pass', () => {
    const result = judge(base, 1, 9, 10, 0.999);
    expect(result.verdict).toBe('too-few');
    expect(result.message).toMatch(/it takes at least \d+ per interval/);
  });
});
