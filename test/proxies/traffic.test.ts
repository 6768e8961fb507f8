import { describe, expect, it } from 'vitest';
import { expectSplit } from './traffic.js';

const VERSIONS = { primary: 'v1', canary: 'v2' };

describe('expectSplit', () => {
  it('accepts a count inside the binomial bound and refuses one outside it', () => {
    expect(() =>
      expectSplit(
        new Map([
          ['v1', 360],
          ['v2', 40],
        ]),
        VERSIONS,
        10,
      ),
    ).not.toThrow();
    // 30 % of the traffic when 10 % was set: outside [14, 72].
    expect(() =>
      expectSplit(
        new Map([
          ['v1', 280],
          ['v2', 120],
        ]),
        VERSIONS,
        10,
      ),
    ).toThrow(/outside the binomial bound \[14, 72\]/);
    expect(() =>
      expectSplit(
        new Map([
          ['v1', 399],
          ['v2', 1],
        ]),
        VERSIONS,
        0,
      ),
    ).toThrow(/\[0, 0\]/);
  });

  it('refuses answers from neither version', () => {
    expect(() =>
      expectSplit(
        new Map([
          ['v1', 390],
          ['status 502', 10],
        ]),
        VERSIONS,
        0,
      ),
    ).toThrow(/answers other than v1\/v2/);
  });
});
