import { describe, expect, it } from 'vitest';
import { extractSelectors, formatSelector, matcherAccepts } from './selectors.js';

describe('PromQL selector extraction', () => {
  it('finds metric names, matchers and ranges, skipping functions and grouping clauses', () => {
    const q =
      'histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{reporter="destination", destination_workload=~"podinfo"}[1m])) by (le)) / sum by (le) (rate(other_total[5m] offset 1m)) or vector(0)';
    expect(extractSelectors(q)).toEqual([
      {
        metric: 'istio_request_duration_milliseconds_bucket',
        matchers: [
          { label: 'reporter', op: '=', value: 'destination' },
          { label: 'destination_workload', op: '=~', value: 'podinfo' },
        ],
        range: '1m',
      },
      { metric: 'other_total', matchers: [], range: '5m' },
    ]);
  });

  it('reads all four operators, escaped quotes, trailing commas and __name__ selectors', () => {
    const [a, b] = extractSelectors(
      'x{a="1",b!="2", c=~"3.*" ,d!~\'4\',e="q\\"uote",} + {__name__="y", z="w"}',
    );
    expect(a?.matchers.map((m) => m.op)).toEqual(['=', '!=', '=~', '!~', '=']);
    expect(a?.matchers[4]?.value).toBe('q"uote');
    expect(b).toEqual({ metric: 'y', matchers: [{ label: 'z', op: '=', value: 'w' }] });
    expect(formatSelector('x', a!.matchers.slice(4))).toBe('x{e="q\\"uote"}');
  });

  it('ignores strings passed to functions and keyword operators', () => {
    const q =
      'label_replace(up{job="a"}, "dst", "$1", "src", "(.*)") and on(job) rate(foo_total[1m]) > bool 1';
    expect(extractSelectors(q).map((s) => s.metric)).toEqual(['up', 'foo_total']);
  });

  it('matches like Prometheus: anchored regexes, absent label is ""', () => {
    expect(matcherAccepts({ label: 'w', op: '=~', value: 'podinfo' }, 'podinfo-primary')).toBe(false);
    expect(matcherAccepts({ label: 'w', op: '=~', value: 'podinfo.*' }, 'podinfo-primary')).toBe(true);
    expect(matcherAccepts({ label: 'c', op: '!~', value: '5.*' }, '503')).toBe(false);
    expect(matcherAccepts({ label: 'c', op: '!=', value: '' }, '')).toBe(false);
    expect(matcherAccepts({ label: 'c', op: '=~', value: '(?i)GET' }, 'get')).toBe(true);
  });
});
