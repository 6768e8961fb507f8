import type { BuiltinQueries } from './types.js';

/**
 * ingress-nginx controller metrics, Flagger's nginx.go. Its request-duration is a mean (sum/count), not a
 * quantile. The `canary` label holds the canary upstream for requests sent to it and is empty otherwise.
 */
export const nginx: BuiltinQueries = {
  name: 'nginx',
  providers: ['nginx'],
  requestSuccessRate: `
sum(rate(nginx_ingress_controller_requests{namespace="{{ namespace }}",ingress="{{ ingress }}",canary!="",status!~"5.*"}[{{ interval }}]))
/ sum(rate(nginx_ingress_controller_requests{namespace="{{ namespace }}",ingress="{{ ingress }}",canary!=""}[{{ interval }}])) * 100`,
  requestDuration: `
sum(rate(nginx_ingress_controller_response_duration_seconds_sum{namespace="{{ namespace }}",ingress="{{ ingress }}",canary!=""}[{{ interval }}]))
/ sum(rate(nginx_ingress_controller_response_duration_seconds_count{namespace="{{ namespace }}",ingress="{{ ingress }}",canary!=""}[{{ interval }}])) * 1000`,
  durationToMs: 1,
  selectors: {
    canary: ['namespace="{{ namespace }}"', 'ingress="{{ ingress }}"', 'canary!=""'],
    primary: ['namespace="{{ namespace }}"', 'ingress="{{ ingress }}"', 'canary=""'],
  },
  requests: { metric: 'nginx_ingress_controller_requests' },
  errorMatcher: 'status=~"5.*"',
  latency: { metric: 'nginx_ingress_controller_request_duration_seconds_bucket', toMs: 1000 },
  labelHints: {
    ingress: 'it is the Ingress named by ingressRef; check ingressRef.name',
    canary:
      'ingress-nginx fills it only for requests its canary Ingress sent to the canary; is traffic reaching the canary?',
  },
  metricHints: {
    nginx_ingress_controller_requests:
      'the ingress-nginx controller exports it when started with metrics enabled (controller.metrics.enabled=true)',
  },
};
