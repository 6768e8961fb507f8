import type { BuiltinQueries } from './types.js';

/** Linkerd proxy metrics (`response_total`, `response_latency_ms_bucket`), Flagger's linkerd.go. */
export const linkerd: BuiltinQueries = {
  name: 'linkerd',
  providers: ['linkerd'],
  requestSuccessRate: `
sum(rate(response_total{namespace="{{ namespace }}",deployment=~"{{ target }}",classification!="failure",direction="inbound"}[{{ interval }}]))
/ sum(rate(response_total{namespace="{{ namespace }}",deployment=~"{{ target }}",direction="inbound"}[{{ interval }}])) * 100`,
  requestDuration: `
histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{namespace="{{ namespace }}",deployment=~"{{ target }}",direction="inbound"}[{{ interval }}])) by (le))`,
  durationToMs: 1,
  selectors: {
    canary: ['namespace="{{ namespace }}"', 'deployment=~"{{ target }}"', 'direction="inbound"'],
    primary: ['namespace="{{ namespace }}"', 'deployment=~"{{ target }}-primary"', 'direction="inbound"'],
  },
  requests: { metric: 'response_total' },
  errorMatcher: 'classification="failure"',
  latency: { metric: 'response_latency_ms_bucket', toMs: 1 },
  labelHints: {
    deployment:
      'the Linkerd proxy labels inbound traffic with the Deployment it runs in; is the canary meshed?',
  },
  metricHints: {
    response_total:
      'the Linkerd proxies export it; check that Prometheus scrapes the linkerd-proxy containers',
  },
};
