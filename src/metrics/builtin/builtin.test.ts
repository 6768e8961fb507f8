import { describe, expect, it } from 'vitest';
import type { Canary } from '../../api/types.js';
import { PROVIDERS } from '../../api/schema/canary.js';
import { templateModel } from '../template.js';
import { collapseWhitespace } from '../template.js';
import { extractSelectors } from '../prometheus/selectors.js';
import { BUILTIN_QUERY_SETS, builtinQueriesFor, outcomeQueries, renderBuiltin } from './index.js';

const canary: Canary = {
  apiVersion: 'aviary.dev/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'test' },
  spec: {
    targetRef: { kind: 'Deployment', name: 'podinfo' },
    service: { port: 9898 },
    ingressRef: { name: 'podinfo' },
    analysis: {},
  },
};
const model = templateModel(canary, { name: 'request-success-rate', interval: '1m' });

describe('builtin query library', () => {
  it('istio: Flagger queries, rendered', () => {
    const set = builtinQueriesFor('istio');
    expect(set?.name).toBe('istio');
    expect(collapseWhitespace(renderBuiltin(set!, 'request-success-rate', model))).toBe(
      'sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="test",destination_workload=~"podinfo",response_code!~"5.*"}[1m])) ' +
        '/ sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="test",destination_workload=~"podinfo"}[1m])) * 100',
    );
    expect(collapseWhitespace(renderBuiltin(set!, 'request-duration', model))).toBe(
      'histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload_namespace="test",destination_workload=~"podinfo"}[1m])) by (le))',
    );
  });

  it('every provider but local has a set; prefixes cover versioned providers', () => {
    const unserved = PROVIDERS.filter((p) => !builtinQueriesFor(p));
    expect(unserved).toEqual(['local']);
    expect(builtinQueriesFor('gatewayapi:v1beta1')?.name).toBe('http');
    expect(builtinQueriesFor('appmesh:v1beta2')?.name).toBe('appmesh');
    expect(builtinQueriesFor('smi:v1alpha3')?.name).toBe('istio');
  });

  it.each(BUILTIN_QUERY_SETS.map((s) => [s.name, s] as const))(
    '%s: queries render, parse, and select the canary with the declared selectors',
    (_name, set) => {
      for (const metric of ['request-success-rate', 'request-duration'] as const) {
        const selectors = extractSelectors(renderBuiltin(set, metric, model));
        expect(selectors.length).toBeGreaterThan(0);
      }
      if (set.selectors.primary.length === 0) {
        expect(() => outcomeQueries(set, 'primary', model)).toThrow(/compareWithPrimary is not available/);
        return;
      }
      for (const version of ['canary', 'primary'] as const) {
        const q = outcomeQueries(set, version, model);
        const [requests] = extractSelectors(q.requests);
        const [errors] = extractSelectors(q.errors);
        expect(requests?.metric).toBe(set.requests.metric);
        expect(errors!.matchers.length).toBe(requests!.matchers.length + 1);
        expect(q.requests).toMatch(/^sum\(increase\(.*\[1m\]\)\)$/);
        if (set.latency) expect(q.latencyBuckets).toMatch(/^sum by \(le\) \(increase\(/);
      }
      expect(outcomeQueries(set, 'canary', model).requests).not.toBe(
        outcomeQueries(set, 'primary', model).requests,
      );
    },
  );

  it('istio outcome queries count canary and primary requests and errors', () => {
    const set = builtinQueriesFor('istio')!;
    const primary = outcomeQueries(set, 'primary', model);
    expect(primary.requests).toBe(
      'sum(increase(istio_requests_total{reporter="destination",destination_workload_namespace="test",destination_workload=~"podinfo-primary"}[1m]))',
    );
    expect(primary.errors).toContain('response_code=~"5.*"');
    expect(primary.latencyBuckets).toBe(
      'sum by (le) (increase(istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload_namespace="test",destination_workload=~"podinfo-primary"}[1m]))',
    );
  });

  it('skipper computes its route pattern from the model', () => {
    const q = renderBuiltin(builtinQueriesFor('skipper')!, 'request-success-rate', model);
    expect(q).toContain('route=~"kube(ew)?_test__podinfo_canary__.*__podinfo_canary(_[0-9]+)?"');
  });
});
