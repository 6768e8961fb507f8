/**
 * Flagger's own documented MetricTemplates (test/metrics/fixtures): each validates, names a provider with
 * a reader, and renders with Aviary's template engine to a query without holes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { MetricTemplate } from '../../src/api/types.js';
import { validateDocuments } from '../../src/validation/validate.js';
import { hasMetricReader } from '../../src/metrics/providers/index.js';
import { renderQuery, templateModel } from '../../src/metrics/template.js';
import { canary } from './fixtures.js';

const file = new URL('./fixtures/flagger-metric-templates.yaml', import.meta.url);
const text = readFileSync(file, 'utf8');
const templates = parseAllDocuments(text).map((d) => d.toJSON() as MetricTemplate);

describe("Flagger's documented MetricTemplates", () => {
  it('validate, one per provider Flagger documents', () => {
    expect(validateDocuments(text).problems).toEqual([]);
    expect(new Set(templates.map((t) => t.spec.provider.type))).toEqual(
      new Set([
        'prometheus',
        'datadog',
        'cloudwatch',
        'newrelic',
        'graphite',
        'stackdriver',
        'influxdb',
        'dynatrace',
        'keptn',
        'splunk',
        'externalmetrics',
      ]),
    );
  });

  it.each(templates.map((t) => [t.spec.provider.type, t.metadata.name, t] as const))(
    '%s %s renders',
    (_type, _name, t) => {
      expect(hasMetricReader(t.spec.provider.type)).toBe(true);
      const query = renderQuery(t.spec.query, templateModel(canary, { name: 'm', interval: '1m' }));
      expect(query).not.toMatch(/\{\{|\}\}/);
      expect(query).toContain(t.spec.query.includes('{{') ? 'podinfo' : t.spec.query.trim().slice(0, 10));
    },
  );
});
