import { describe, expect, it } from 'vitest';
import { metricTemplateRules } from '../../src/validation/rules.js';
import { METRIC_PROVIDER_TYPES } from '../../src/api/schema/metric-template.js';
import { validateDocuments } from '../../src/validation/validate.js';
import { hasMetricReader, METRIC_PROVIDERS } from '../../src/metrics/providers/index.js';

describe('the metric provider registry', () => {
  it('has a reader for every provider type a MetricTemplate may name', async () => {
    for (const type of METRIC_PROVIDER_TYPES) expect(hasMetricReader(type), type).toBe(true);
    for (const [type, load] of Object.entries(METRIC_PROVIDERS)) {
      const provider = await load();
      expect(typeof provider.create, type).toBe('function');
    }
  });

  it('validate refuses a provider type without a reader, naming the field and the choices', () => {
    const problems = metricTemplateRules({ provider: { type: 'opentsdb' as 'datadog' }, query: 'x' });
    expect(problems).toContainEqual({
      path: 'spec.provider.type',
      message: '"opentsdb" has no metric reader in this Aviary version',
      fix: expect.stringMatching(/^use one of prometheus, local, datadog, cloudwatch, newrelic, graphite/),
    });
  });

  it("validate accepts a Datadog template as in Flagger's docs", () => {
    const result = validateDocuments(`
apiVersion: aviary.dev/v1beta1
kind: MetricTemplate
metadata: {name: not-found-percentage, namespace: test}
spec:
  provider: {type: datadog, address: https://api.datadoghq.eu, secretRef: {name: datadog}}
  query: |
    100 - (sum:istio.mesh.request.count{reporter:destination,destination_workload:{{ target }},!response_code:404}.as_count()
    / sum:istio.mesh.request.count{reporter:destination,destination_workload:{{ target }}}.as_count()) * 100
`);
    expect(result.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([]);
  });
});
