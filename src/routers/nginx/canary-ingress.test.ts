import { describe, expect, it } from 'vitest';
import type { Canary } from '../../api/types.js';
import { canaryFor } from '../../targets/kubernetes/testing/fixtures.js';
import { abAnnotations } from './canary-ingress.js';

const PREFIX = 'nginx.ingress.kubernetes.io';
const withMatch = (match: Canary['spec']['analysis']['match']): Canary => {
  const base = canaryFor('test', 'podinfo');
  return {
    ...base,
    spec: { ...base.spec, analysis: { interval: '1m', threshold: 5, iterations: 5, match } },
  };
};

describe('NGINX A/B annotations', () => {
  it('write a header suffix as canary-by-header-pattern, the value ending with the suffix taken literally', () => {
    const annotations = abAnnotations(
      withMatch([{ headers: { 'x-user-email': { suffix: '@example.com' } } }]),
      PREFIX,
    );
    expect(annotations).toEqual({
      [`${PREFIX}/canary-by-header`]: 'x-user-email',
      [`${PREFIX}/canary-by-header-pattern`]: '.*@example\\.com$',
    });
    // ingress-nginx searches the pattern (PCRE, unanchored): the `$` is what makes it a suffix.
    const pattern = new RegExp(annotations[`${PREFIX}/canary-by-header-pattern`]!);
    expect(pattern.test('ana@example.com')).toBe(true);
    expect(pattern.test('ana@example.com.evil')).toBe(false);
    expect(pattern.test('ana@example-com')).toBe(false);
  });

  it('refuse a cookie matched by suffix: NGINX matches a cookie by its exact name', () => {
    expect(() => abAnnotations(withMatch([{ headers: { cookie: { suffix: 'canary' } } }]), PREFIX)).toThrow(
      /analysis\.match\[0\]\.headers\.cookie: NGINX matches a cookie by its exact name/,
    );
  });
});
