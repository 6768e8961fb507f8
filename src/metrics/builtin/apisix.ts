import type { BuiltinQueries } from './types.js';

/** Apache APISIX metrics, Flagger's apisix.go. */
export const apisix: BuiltinQueries = {
  name: 'apisix',
  providers: ['apisix'],
  requestSuccessRate: `
sum(rate(apisix_http_status{route=~"{{ namespace }}_{{ route }}-{{ target }}-canary_.+",code!~"5.."}[{{ interval }}]))
/ sum(rate(apisix_http_status{route=~"{{ namespace }}_{{ route }}-{{ target }}-canary_.+"}[{{ interval }}])) * 100`,
  requestDuration: `
histogram_quantile(0.99, sum(rate(apisix_http_latency_bucket{type=~"request",route=~"{{ namespace }}_{{ route }}-{{ target }}-canary_.+"}[{{ interval }}])) by (le))`,
  durationToMs: 1,
  selectors: {
    canary: ['route=~"{{ namespace }}_{{ route }}-{{ target }}-canary_.+"'],
    primary: ['route=~"{{ namespace }}_{{ route }}-{{ target }}-primary_.+"'],
  },
  requests: { metric: 'apisix_http_status' },
  errorMatcher: 'code=~"5.."',
  latency: { metric: 'apisix_http_latency_bucket', toMs: 1, matchers: ['type=~"request"'] },
};
