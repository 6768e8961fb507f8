import type { TemplateModel } from '../template.js';
import type { BuiltinQueries } from './types.js';

/** Skipper encodes names into route ids with every non-word character replaced by `_` (Flagger's skipper.go). */
function encode(value: string): string {
  return value.replace(/\W/g, '_');
}

/**
 * Skipper route metrics, Flagger's skipper.go. Flagger assigns `$route` inside the template; here it is computed
 * from the model. Its request-duration is a mean (sum/count).
 */
export const skipper: BuiltinQueries = {
  name: 'skipper',
  providers: ['skipper'],
  requestSuccessRate: `
sum(rate(skipper_response_duration_seconds_bucket{route=~"{{ $route }}",code!~"5..",le="+Inf"}[{{ interval }}]))
/ sum(rate(skipper_response_duration_seconds_bucket{route=~"{{ $route }}",le="+Inf"}[{{ interval }}])) * 100`,
  requestDuration: `
sum(rate(skipper_serve_route_duration_seconds_sum{route=~"{{ $route }}"}[{{ interval }}]))
/ sum(rate(skipper_serve_route_duration_seconds_count{route=~"{{ $route }}"}[{{ interval }}])) * 1000`,
  durationToMs: 1,
  locals: (model: TemplateModel) => {
    const [ns, ingress, service] = [model.namespace, model.ingress, model.service].map(encode);
    return {
      route: `kube(ew)?_${ns}__${ingress}_canary__.*__${service}_canary(_[0-9]+)?`,
      // The canary Ingress Flagger writes routes to both services; this is its primary path.
      primaryRoute: `kube(ew)?_${ns}__${ingress}_canary__.*__${service}_primary(_[0-9]+)?`,
    };
  },
  selectors: { canary: ['route=~"{{ $route }}"'], primary: ['route=~"{{ $primaryRoute }}"'] },
  requests: { metric: 'skipper_response_duration_seconds_bucket', matchers: ['le="+Inf"'] },
  errorMatcher: 'code=~"5.."',
  latency: { metric: 'skipper_response_duration_seconds_bucket', toMs: 1000 },
};
