import type { BuiltinQueries } from './types.js';

/** Traefik service metrics (requests counted through the `+Inf` bucket), Flagger's traefik.go. */
export const traefik: BuiltinQueries = {
  name: 'traefik',
  providers: ['traefik'],
  requestSuccessRate: `
sum(rate(traefik_service_request_duration_seconds_bucket{service=~"{{ namespace }}-{{ target }}-canary-[0-9a-zA-Z-]+@kubernetescrd",code!~"5..",le="+Inf"}[{{ interval }}]))
/ sum(rate(traefik_service_request_duration_seconds_bucket{service=~"{{ namespace }}-{{ target }}-canary-[0-9a-zA-Z-]+@kubernetescrd",le="+Inf"}[{{ interval }}])) * 100`,
  requestDuration: `
histogram_quantile(0.99, sum(rate(traefik_service_request_duration_seconds_bucket{service=~"{{ namespace }}-{{ target }}-canary-[0-9a-zA-Z-]+@kubernetescrd"}[{{ interval }}])) by (le)) * 1000`,
  durationToMs: 1,
  selectors: {
    canary: ['service=~"{{ namespace }}-{{ target }}-canary-[0-9a-zA-Z-]+@kubernetescrd"'],
    primary: ['service=~"{{ namespace }}-{{ target }}-primary-[0-9a-zA-Z-]+@kubernetescrd"'],
  },
  requests: { metric: 'traefik_service_request_duration_seconds_bucket', matchers: ['le="+Inf"'] },
  errorMatcher: 'code=~"5.."',
  latency: { metric: 'traefik_service_request_duration_seconds_bucket', toMs: 1000 },
};
